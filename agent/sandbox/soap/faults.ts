// SOAP faults as Exchange sends them (HTTP 500): faultcode a:<ResponseCode>, detail with e:ResponseCode,
// e:Message and optional t:MessageXml values (BackOffMilliseconds for ErrorServerBusy).
import { esc } from '../xml/escape.ts';
import { NS } from '../xml/namespaces.ts';
import { envelope } from './envelope.ts';

export interface Fault {
  code: string;
  message: string;
  /** t:MessageXml name/value pairs. */
  values?: Record<string, string | number>;
  /** Schema-validation position. */
  line?: number;
  column?: number;
  faultcode?: string;
}

export function faultXml(fault: Fault): string {
  const values = Object.entries(fault.values ?? {})
    .map(([name, value]) => `<t:Value Name="${esc(name)}">${esc(value)}</t:Value>`).join('');
  const messageXml = values ? `<t:MessageXml xmlns:t="${NS.t}">${values}</t:MessageXml>` : '';
  const position = fault.line === undefined ? '' :
    `<e:Line xmlns:e="${NS.e}">${fault.line}</e:Line><e:Position xmlns:e="${NS.e}">${fault.column ?? 0}</e:Position>`;
  const faultcode = fault.faultcode ?? `a:${fault.code}`;
  return envelope(
    `<s:Fault><faultcode xmlns:a="${NS.t}">${esc(faultcode)}</faultcode><faultstring xml:lang="en-US">${esc(fault.message)}</faultstring>` +
    `<detail><e:ResponseCode xmlns:e="${NS.e}">${esc(fault.code)}</e:ResponseCode><e:Message xmlns:e="${NS.e}">${esc(fault.message)}</e:Message>` +
    `${position}${messageXml}</detail></s:Fault>`,
  );
}

export const Faults = {
  invalidServerVersion: (): Fault => ({ code: 'ErrorInvalidServerVersion', message: 'The specified server version is invalid.' }),
  schemaValidation: (why: string, line?: number, column?: number): Fault => ({
    code: 'ErrorSchemaValidation', message: `The request failed schema validation: ${why}`, line, column, faultcode: 'a:ErrorSchemaValidation',
  }),
  invalidRequest: (why: string): Fault => ({ code: 'ErrorInvalidRequest', message: `The request is invalid. ${why}`.trim() }),
  serverBusy: (backoffMs: number): Fault => ({
    code: 'ErrorServerBusy', message: 'The server cannot service this request right now. Try again later.',
    values: { BackOffMilliseconds: Math.max(0, Math.round(backoffMs)) },
  }),
  /** EWSMaxConcurrency exceeded, with the MessageXml values Exchange gives (Policy, MaxConcurrencyLimit, ErrorMessage). */
  exceededConnectionCount: (max: number): Fault => ({
    code: 'ErrorExceededConnectionCount',
    message: 'You have exceeded the available concurrent connections for your account.  Try again once your other requests have completed.',
    values: {
      Policy: 'MaxConcurrency', MaxConcurrencyLimit: max,
      ErrorMessage: `This operation exceeds the throttling budget for policy part 'MaxConcurrency', policy value '${max}', Budget type: 'Ews'. Suggested backoff time 0 ms.`,
    },
  }),
  /** The mailbox lives on a server older than the version asked for (the CAS proxied to it). */
  invalidSchemaVersionForMailboxVersion: (): Fault => ({
    code: 'ErrorInvalidSchemaVersionForMailboxVersion', message: 'The mailbox that was requested doesn\'t support the specified RequestServerVersion.',
  }),
} as const;
