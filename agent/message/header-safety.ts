// Header injection guard: a CR or LF in any header field (or an attachment name, which becomes a
// header parameter) would let the sender add headers or recipients.
import { AgentError, ErrorCodes } from '../errors.ts';

// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\r\n\u0000\u2028\u2029\u0085]/;

export function assertSingleLine(field: string, value: string): void {
  if (LINE_BREAK.test(value)) {
    throw new AgentError(ErrorCodes.MessageInvalid, `${field} contains a line break (CR, LF or NUL), which is not allowed in a header field`);
  }
}
