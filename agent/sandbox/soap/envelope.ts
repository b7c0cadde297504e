// Response envelopes shaped like Exchange's: ServerVersionInfo in the header, m:/t: declared on the body.
import { buildOf, type ExchangeVersion } from '../versions.ts';
import { NS } from '../xml/namespaces.ts';

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';

export function serverVersionInfo(version: ExchangeVersion): string {
  const b = buildOf(version);
  return `<h:ServerVersionInfo MajorVersion="${b.major}" MinorVersion="${b.minor}" MajorBuildNumber="${b.build}" MinorBuildNumber="${b.revision}" Version="${b.schema}" xmlns:h="${NS.t}" xmlns="${NS.t}"/>`;
}

/** A response envelope around one `m:<Operation>Response` element whose inner XML is `inner`. */
export function responseEnvelope(version: ExchangeVersion, operation: string, inner: string): string {
  return `${XML_DECL}<s:Envelope xmlns:s="${NS.soap}"><s:Header>${serverVersionInfo(version)}</s:Header>` +
    `<s:Body><m:${operation}Response xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>${inner}</m:ResponseMessages>` +
    `</m:${operation}Response></s:Body></s:Envelope>`;
}

export function envelope(body: string, header = ''): string {
  return `${XML_DECL}<s:Envelope xmlns:s="${NS.soap}">${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}
