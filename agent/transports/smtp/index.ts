// Placeholder until the SMTP transport lands (next commit).
import { AgentError, ErrorCodes } from '../../errors.ts';
export function createSmtpTransport(..._args: unknown[]): never {
  throw new AgentError(ErrorCodes.Internal, 'the SMTP transport is not built yet');
}
