// What the sandbox's 401 offers and what it demands of NTLM, as an IIS virtual directory is configured:
// the authentication providers (`--auth-schemes`) and Extended Protection (`--extended-protection`,
// IIS tokenChecking None / Allow / Require).
import { AgentError, ErrorCodes } from '../../errors.ts';
import { NO_CHANNEL_BINDINGS } from '../../ntlm/channel-bindings.ts';

/** `negotiate`: IIS's Negotiate provider (SPNEGO, NTLM inside); `negotiate:kerberos`: Kerberos only, NTLM refused. */
export const AUTH_SCHEMES = ['ntlm', 'negotiate', 'negotiate:kerberos', 'basic', 'bearer'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];
export const DEFAULT_AUTH_SCHEMES: readonly AuthScheme[] = ['ntlm', 'basic', 'bearer'];

export const EXTENDED_PROTECTION = ['off', 'allow', 'require'] as const;
export type ExtendedProtection = (typeof EXTENDED_PROTECTION)[number];

export function parseAuthSchemes(text: string): AuthScheme[] {
  const schemes = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (schemes.length === 0) throw new AgentError(ErrorCodes.Usage, '--auth-schemes: name at least one scheme');
  for (const scheme of schemes) {
    if (!(AUTH_SCHEMES as readonly string[]).includes(scheme)) {
      throw new AgentError(ErrorCodes.Usage, `--auth-schemes: unknown scheme ${scheme} (known: ${AUTH_SCHEMES.join(', ')})`);
    }
  }
  if (schemes.includes('negotiate') && schemes.includes('negotiate:kerberos')) {
    throw new AgentError(ErrorCodes.Usage, '--auth-schemes: negotiate and negotiate:kerberos are one provider each way; name one');
  }
  return [...new Set(schemes)] as AuthScheme[];
}

export function isExtendedProtection(value: string): value is ExtendedProtection {
  return (EXTENDED_PROTECTION as readonly string[]).includes(value);
}

export type BindingVerdict = 'absent' | 'match' | 'mismatch';

/** How the client's MsvAvChannelBindings compares with the server's own (16 zero bytes count as absent). */
export function bindingVerdict(given: Buffer | undefined, expected: Buffer | undefined): BindingVerdict {
  if (!given || given.equals(NO_CHANNEL_BINDINGS)) return 'absent';
  return expected && given.equals(expected) ? 'match' : 'mismatch';
}

/** Extended Protection's judgement of one NTLM authentication. */
export function bindingAccepted(mode: ExtendedProtection, verdict: BindingVerdict): boolean {
  if (mode === 'off') return true;
  if (mode === 'allow') return verdict !== 'mismatch';
  return verdict === 'match';
}
