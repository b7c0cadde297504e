// Entry point of the SMTP transport, imported lazily by ../index.ts: this module loads nodemailer's SMTP
// client. Why nodemailer's SMTPConnection and not its pooled transport: the contract wants per-message
// outcomes with a stage (before or after the final "."), an abort signal, and XOAUTH2 from our own token
// source; SMTPConnection gives each of those directly (custom auth handlers, a per-send callback), and the
// few lines of pooling in transport.ts are ours to reason about.
import type { LoadedConfig } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import type { TransportDeps } from '../factory-contract.ts';
import { trustContext } from '../tls.ts';
import type { SmtpAuth } from './session.ts';
import { SmtpTransport } from './transport.ts';

export const defaultTimeoutMs = 30_000;

export async function createSmtpTransport(config: LoadedConfig, deps: TransportDeps = {}): Promise<SmtpTransport> {
  const smtp = config.settings.smtp;
  if (!smtp) throw new AgentError(ErrorCodes.SemanticViolation, 'service smtp needs an smtp section');
  const timeoutMs = deps.timeoutMs ?? defaultTimeoutMs;
  const secureContext = await trustContext(smtp.caFile);
  const clients: HttpClient[] = [];
  let auth: SmtpAuth = { kind: 'none' };
  if (smtp.auth === 'login') {
    auth = { kind: 'login', username: smtp.username ?? '', password: config.secrets.password ?? '' };
  } else if (smtp.auth === 'xoauth2' && smtp.credentials) {
    // Exchange Online's SMTP.SendAsApp: tokens for Exchange Online's audience from the login host, the same
    // token source as Graph's and EWS's. Loaded only here: a password or a relay never pays for it.
    const { createTokenSource, outlookScope } = await import('../../oauth/index.ts');
    const login = new HttpClient({ auth: { kind: 'none' }, rejectUnauthorized: smtp.rejectInvalidCertificates, secureContext, lookup: deps.lookup });
    clients.push(login);
    auth = { kind: 'xoauth2', username: smtp.username ?? '', tokens: createTokenSource(smtp.credentials, config.secrets, outlookScope(smtp.credentials.cloud), login, timeoutMs) };
  }
  return new SmtpTransport({
    host: smtp.host, port: smtp.port, security: smtp.security, auth,
    rejectUnauthorized: smtp.rejectInvalidCertificates, secureContext, timeoutMs,
  }, { clients });
}
