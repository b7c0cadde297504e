// An ExchangeService wired to our HTTP adapter. Credentials are the HTTP client's business, so the
// library gets a no-op credentials object (it insists on having one).
import { ConnectingIdType, ExchangeCredentials, ExchangeService, ExchangeVersion, ImpersonatedUserId, Uri } from 'ews-javascript-api';
import type { ExchangeVersion as VersionName } from '../../config/settings.ts';
import { escapeXml } from '../../text/xml-escape.ts';
import type { XhrAdapter } from './xhr-adapter.ts';

class TransportCredentials extends ExchangeCredentials {
  override PrepareWebRequest(): void {
    // The HTTP client adds Basic / Bearer / NTLM itself.
  }
}

/** `impersonate`: the mailbox an app-only token acts for (ExchangeImpersonation, as Exchange Online requires). */
export function createService(endpoint: string, version: VersionName, xhr: XhrAdapter, impersonate?: string): ExchangeService {
  const service = new ExchangeService(ExchangeVersion[version]);
  service.Credentials = new TransportCredentials();
  service.Url = new Uri(endpoint);
  service.XHRApi = xhr;
  // ews-javascript-api writes string properties into XML without escaping them.
  if (impersonate !== undefined) service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, escapeXml(impersonate));
  return service;
}
