// Everything the sandbox echoes back into XML goes through here: control characters other than TAB, LF and
// CR are not allowed in XML 1.0 at all and are dropped (a client's stray byte must not make the answer
// malformed); the rest is escaped by the agent's one escaper.
import { escapeXml } from '../../text/xml-escape.ts';

export function esc(value: string | number): string {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  return escapeXml(String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''));
}
