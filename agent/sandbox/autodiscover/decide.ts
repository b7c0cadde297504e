// What the sandbox's Autodiscover says for an address asked at a host: the mailbox's settings, a
// redirect to another address or another Autodiscover server, or "no such mailbox". Both POX and SOAP
// answer from this.
import { findMailbox, type Account, type Directory } from '../users.ts';

export type AutodiscoverDecision =
  | { kind: 'settings'; account: Account; internal?: string; external?: string }
  | { kind: 'redirectAddr'; address: string }
  | { kind: 'redirectUrl'; url: string; as: 'element' | 'http302' }
  | { kind: 'unknown' };

/** The host name a request was addressed to (Host header, without the port), lower case. */
export function requestHostname(host: string | undefined): string {
  return (host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function decide(directory: Directory, address: string, hostname: string, ewsUrl: string): AutodiscoverDecision {
  const account = findMailbox(directory, address);
  if (!account) return { kind: 'unknown' };
  const config = account.autodiscover;
  const primary = account.email === address.toLowerCase();
  if (primary && config?.redirectAddr) return { kind: 'redirectAddr', address: config.redirectAddr };
  if (primary && config?.redirectUrl && new URL(config.redirectUrl).hostname.toLowerCase() !== hostname) {
    return { kind: 'redirectUrl', url: config.redirectUrl, as: config.redirectUrlAs };
  }
  if (!config?.internal && !config?.external) return { kind: 'settings', account, internal: ewsUrl, external: ewsUrl };
  return { kind: 'settings', account, ...(config.internal ? { internal: config.internal } : {}), ...(config.external ? { external: config.external } : {}) };
}

/** Is POX Autodiscover switched off at this host (a domain's `pox: false` covers <domain> and autodiscover.<domain>)? */
export function poxOffered(directory: Directory, hostname: string): boolean {
  const domain = hostname.startsWith('autodiscover.') ? hostname.slice('autodiscover.'.length) : hostname;
  return directory.domains?.get(domain)?.pox !== false && directory.domains?.get(hostname)?.pox !== false;
}
