// Header guard: a CR or LF in any header field (or an attachment name, which becomes a header parameter)
// would let the sender add headers or recipients; any other control character (ESC above all) reaches the
// terminals that print the field; a character XML 1.0 cannot carry makes EWS refuse the whole request.
import { AgentError, ErrorCodes } from '../errors.ts';
import { describeChar, firstNonHeaderChar, firstNonXmlChar } from '../text/xml-chars.ts';

const LineBreaks = new Set([0x0a, 0x0d, 0x00, 0x85, 0x2028, 0x2029]);

export function assertHeaderText(field: string, value: string): void {
  const bad = firstNonHeaderChar(value);
  if (!bad) return;
  if (LineBreaks.has(bad.codePoint)) {
    throw new AgentError(ErrorCodes.MessageInvalid, `${field} contains a line break (${describeChar(bad.codePoint)}), which is not allowed in a header field`);
  }
  throw new AgentError(ErrorCodes.MessageInvalid,
    `${field} contains ${describeChar(bad.codePoint)} at character ${bad.index + 1}, which is not allowed in a header field`);
}

/** Bodies may hold TAB, LF and CR, and nothing else XML 1.0 cannot carry. */
export function assertBodyText(field: string, value: string): void {
  const bad = firstNonXmlChar(value);
  if (!bad) return;
  const line = value.slice(0, bad.index).split('\n').length;
  throw new AgentError(ErrorCodes.MessageInvalid,
    `${field} contains ${describeChar(bad.codePoint)} on line ${line}, which a message cannot carry (XML 1.0 has no such character)`);
}
