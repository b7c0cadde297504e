// Transport-security warnings (code InsecureTransport), derived in one place from the settings of the service
// in use: a server certificate that is not checked, or a connection that may go without TLS. Every report
// reads them from the loaded settings' warnings: `validate`, the status condition InsecureTransport, the
// warning logged on each apply, the metric mail_agent_insecure_transport and `mail-agent test`. A service
// adds what its section switches off to `channelsOf`; nothing downstream changes.
import { ErrorCodes } from '../errors.ts';
import type { IssueDraft } from './issue.ts';
import type { EwsSettings, GraphSettings, Settings, SmtpSettings } from './settings.ts';

const InsecureTransport = ErrorCodes.InsecureTransport;

/** What a setting can switch off (the warning's keyword; the metric's `check` label). */
export const InsecureChecks = ['certificates', 'encryption'] as const;
export type InsecureCheck = (typeof InsecureChecks)[number];

/** What one service's connection does without, as its settings say, and where they say it. */
export interface Channel {
  /** The setting that turns certificate checks off (a JSON pointer), when it does. */
  uncheckedCertificates?: string;
  /** The setting that lets the connection go without TLS, when it does, and what then crosses readable. */
  plaintext?: { path: string; exposes: string };
}

function ewsChannel(ews: EwsSettings): Channel {
  const plaintext: Channel['plaintext'] = ews.url?.startsWith('http:')
    ? { path: '/ews/url', exposes: 'plain http is allowed by allowInsecureHttp: the password crosses the network readable' }
    : ews.endpointSource === 'autodiscover' && ews.allowInsecureHttp
      ? { path: '/ews/allowInsecureHttp', exposes: 'autodiscover may hand out a plain http EWS URL, which allowInsecureHttp accepts: the password may cross the network readable' }
      : undefined;
  return {
    ...(!ews.rejectInvalidCertificates && { uncheckedCertificates: '/ews/rejectInvalidCertificates' }),
    ...(plaintext && { plaintext }),
  };
}

function smtpChannel(smtp: SmtpSettings): Channel {
  return {
    ...(!smtp.rejectInvalidCertificates && { uncheckedCertificates: '/smtp/rejectInvalidCertificates' }),
    ...(smtp.security === 'none' && {
      plaintext: { path: '/smtp/security', exposes: 'security: none sends the messages (and the password, with auth: login) unencrypted; acceptable only on loopback' },
    }),
  };
}

function graphChannel(graph: GraphSettings): Channel {
  return !graph.rejectInvalidCertificates ? { uncheckedCertificates: '/graph/rejectInvalidCertificates' } : {};
}

/** The connections the settings make (only the chosen service's section is kept by then). */
function channelsOf(settings: Settings): Channel[] {
  return [
    ...(settings.ews ? [ewsChannel(settings.ews)] : []),
    ...(settings.graph ? [graphChannel(settings.graph)] : []),
    ...(settings.smtp ? [smtpChannel(settings.smtp)] : []),
  ];
}

export function transportSecurityWarnings(settings: Settings): IssueDraft[] {
  return channelsOf(settings).flatMap((channel): IssueDraft[] => [
    ...(channel.plaintext ? [{ path: channel.plaintext.path, keyword: 'encryption', code: InsecureTransport, message: channel.plaintext.exposes }] : []),
    ...(channel.uncheckedCertificates ? [{ path: channel.uncheckedCertificates, keyword: 'certificates', code: InsecureTransport,
      message: 'server certificates are not verified: anyone on the path can pose as the server and read the credentials' }] : []),
  ]);
}

interface Warning { code: string; keyword: string; path: string; message: string }

/** The InsecureTransport warnings among a loaded file's warnings. */
export function insecureTransport<W extends Warning>(warnings: readonly W[]): W[] {
  return warnings.filter((w) => w.code === InsecureTransport);
}

/** Which checks the warnings say are off (for the metric). */
export function insecureChecks(warnings: readonly Warning[]): Set<InsecureCheck> {
  return new Set(insecureTransport(warnings).map((w) => w.keyword).filter((k): k is InsecureCheck => (InsecureChecks as readonly string[]).includes(k)));
}

/** One line per warning, for the status condition and `mail-agent test`: `POINTER: message`. */
export function describeInsecureTransport(warnings: readonly Warning[]): string[] {
  return insecureTransport(warnings).map((w) => `${w.path}: ${w.message}`);
}
