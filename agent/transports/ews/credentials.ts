// The HTTP credentials for the configured auth scheme, from the resolved secrets.
import type { EwsSettings, Secrets } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { splitAccount, type HttpAuth } from '../../http/auth.ts';

export function httpAuth(ews: EwsSettings, secrets: Secrets): HttpAuth {
  if (ews.auth === 'oauth') {
    if (!secrets.token) throw new AgentError(ErrorCodes.SecretUnreadable, 'oauth needs a token');
    return { kind: 'bearer', token: secrets.token };
  }
  if (!ews.username || secrets.password === undefined) {
    throw new AgentError(ErrorCodes.SecretUnreadable, `${ews.auth} needs a username and a password`);
  }
  if (ews.auth === 'basic') return { kind: 'basic', username: ews.username, password: secrets.password };
  return { kind: 'ntlm', ...splitAccount(ews.username), password: secrets.password };
}
