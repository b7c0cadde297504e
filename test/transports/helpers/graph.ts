// Graph transport tests: a LoadedConfig pointing at a sandbox (its identity platform and Graph on the same
// port), messages with attachments as the queue hands them over, and the requests the transport sent.
import iconv from 'iconv-lite';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ClientCredential, GraphSettings, LoadedConfig, Secrets } from '../../../agent/config/settings.ts';
import type { GraphRequestSeen } from '../../../agent/transports/factory-contract.ts';
import type { OutgoingMessage } from '../../../agent/transports/transport.ts';
import type { Sandbox } from '../../../agent/sandbox/index.ts';
import { appCert, CLIENT_ID, SECRET } from '../../helpers/oauth.ts';

export function graphConfig(sandbox: Sandbox, over: { clientId?: string; mailbox?: string; credential?: ClientCredential; secrets?: Secrets; tenant?: string } = {}): LoadedConfig {
  const credential = over.credential ?? { kind: 'secret', secretRef: { env: 'GRAPH_SECRET' } };
  const graph: GraphSettings = {
    credentials: { tenant: over.tenant ?? 'sandbox.test', clientId: over.clientId ?? CLIENT_ID, credential, cloud: 'global', authorityHost: `127.0.0.1:${sandbox.port}` },
    mailbox: over.mailbox ?? 'notify@sandbox.test', saveCopy: true, rejectInvalidCertificates: true, caFile: sandbox.caPath ?? '', graphHost: `127.0.0.1:${sandbox.port}`,
  };
  const secrets = over.secrets ?? (credential.kind === 'secret' ? { clientSecret: SECRET } : { certificate: { certPem: appCert.certPem, keyPem: appCert.keyPem } });
  return {
    path: '/nonexistent/mail-settings.yaml', revision: 'sha256:test', settingsDigest: 'sha256:test',
    settings: { apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'graph', message: { charset: 'utf-8', plainText: false, fromDelegation: false }, graph, test: { onChange: true } },
    secrets, referencedFiles: [], warnings: [],
  };
}

let counter = 0;

export interface Fields {
  from?: string;
  to?: string[];
  bcc?: string[];
  subject?: string;
  text?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  headers?: Record<string, string>;
  charset?: string;
}

/** A message as agent/queue hands it to a transport: composed MIME, and the attachments for `parts`. */
export async function message(fields: Fields = {}): Promise<OutgoingMessage> {
  counter += 1;
  const messageId = `<graph-${process.pid}-${counter}-${Date.now()}@agent.test>`;
  const from = fields.from ?? 'notify@sandbox.test';
  const to = fields.to ?? ['ops@sandbox.test'];
  const attachments = fields.attachments ?? [];
  const text = fields.text ?? 'Disk almost full';
  const body = fields.charset
    ? { alternatives: [{ contentType: `text/plain; charset=${fields.charset}`, content: iconv.encode(text, fields.charset) }] }
    : { text };
  const mime = await new MailComposer({
    from, to, subject: fields.subject ?? `graph test ${counter}`, messageId, headers: fields.headers, textEncoding: 'quoted-printable', ...body, attachments,
  }).compile().build();
  return { messageId, from, to, cc: [], bcc: fields.bcc ?? [], subject: fields.subject ?? '', mime, parts: { charset: 'utf-8', attachments } };
}

export function recorder(): { seen: GraphRequestSeen[]; onGraphRequest: (r: GraphRequestSeen) => void } {
  const seen: GraphRequestSeen[] = [];
  return { seen, onGraphRequest: (r) => { seen.push(r); } };
}
