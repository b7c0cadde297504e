// Entry point of the SMTP transport, imported lazily by ../index.ts: this module loads nodemailer's SMTP
// client. Why nodemailer's SMTPConnection and not its pooled transport: the contract wants per-message
// outcomes with a stage (before or after the final "."), an abort signal, and XOAUTH2 from our own token
// source; SMTPConnection gives each of those directly (custom auth handlers, a per-send callback), and the
// few lines of pooling in transport.ts are ours to reason about.
import type { LoadedConfig } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { TransportDeps } from '../factory-contract.ts';
import { trustContext } from '../tls.ts';
import { SmtpTransport } from './transport.ts';

export const defaultTimeoutMs = 30_000;

export async function createSmtpTransport(config: LoadedConfig, deps: TransportDeps = {}): Promise<SmtpTransport> {
  const smtp = config.settings.smtp;
  if (!smtp) throw new AgentError(ErrorCodes.SemanticViolation, 'service smtp needs an smtp section');
  const auth = smtp.auth === 'login'
    ? { kind: 'login' as const, username: smtp.username ?? '', password: config.secrets.password ?? '' }
    : { kind: 'none' as const };
  return new SmtpTransport({
    host: smtp.host, port: smtp.port, security: smtp.security, auth,
    rejectUnauthorized: smtp.rejectInvalidCertificates,
    secureContext: await trustContext(smtp.caFile),
    timeoutMs: deps.timeoutMs ?? defaultTimeoutMs,
  });
}
