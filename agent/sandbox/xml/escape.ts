// Everything the sandbox echoes back into XML goes through here.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function esc(value: string | number): string {
  // Control characters other than TAB/LF/CR are not allowed in XML 1.0 at all: drop them.
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
