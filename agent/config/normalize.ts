// Validated file → normalized Settings: `server` expanded to its EWS URL, paths made absolute
// (relative to the settings file's folder), secrets reduced to how they are referenced, and only the
// chosen service's section kept, so that an edit to the unused one changes nothing. The submission port's
// section is kept whatever the service.
import { resolve } from 'node:path';
import { cloudHosts } from './clouds.ts';
import { splitListen } from './listen.ts';
import type { RawClientCredentials, RawSecret, RawSettings } from './raw-settings.ts';
import type { ClientCredentials, EwsSettings, GraphSettings, SecretRef, Settings, SmtpSettings, SubmissionSettings } from './settings.ts';

export function ewsUrlOfServer(server: string): string {
  return `https://${server}/EWS/Exchange.asmx`;
}

export function secretRef(secret: RawSecret, baseDir: string): SecretRef {
  if (typeof secret === 'string') return { literal: true };
  return 'file' in secret ? { file: resolve(baseDir, secret.file) } : { env: secret.env };
}

/** The credential block, once the schema has required its parts (tenant, clientId, a secret or a certificate). */
export function normalizeCredentials(raw: RawClientCredentials, baseDir: string): ClientCredentials {
  const cloud = raw.cloud ?? 'global';
  const certificate = raw.certificate;
  return {
    tenant: raw.tenant ?? '',
    clientId: (raw.clientId ?? '').toLowerCase(),
    credential: certificate
      ? {
        kind: 'certificate', file: resolve(baseDir, certificate.file),
        ...(certificate.keyFile !== undefined && { keyFile: resolve(baseDir, certificate.keyFile) }),
        ...(certificate.password !== undefined && { passwordRef: secretRef(certificate.password, baseDir) }),
      }
      : { kind: 'secret', secretRef: secretRef(raw.clientSecret ?? '', baseDir) },
    cloud,
    authorityHost: (raw.authorityHost ?? cloudHosts[cloud].login).toLowerCase(),
  };
}

function normalizeGraph(graph: NonNullable<RawSettings['graph']>, baseDir: string): GraphSettings {
  const credentials = normalizeCredentials(graph, baseDir);
  return {
    credentials,
    mailbox: graph.mailbox,
    saveCopy: graph.saveCopy,
    rejectInvalidCertificates: graph.rejectInvalidCertificates,
    ...(graph.caFile !== undefined && { caFile: resolve(baseDir, graph.caFile) }),
    graphHost: (graph.graphHost ?? cloudHosts[credentials.cloud].graph).toLowerCase(),
  };
}

function normalizeEws(ews: NonNullable<RawSettings['ews']>, baseDir: string): EwsSettings {
  const url = ews.url !== undefined ? new URL(ews.url).href : ews.server !== undefined ? ewsUrlOfServer(ews.server) : undefined;
  const endpointSource = ews.url !== undefined ? 'url' : ews.server !== undefined ? 'server' : 'autodiscover';
  return {
    ...(url !== undefined && { url }),
    endpointSource,
    ...(ews.autodiscover !== undefined && { autodiscover: ews.autodiscover }),
    ...(ews.username !== undefined && { username: ews.username }),
    auth: ews.auth,
    version: ews.version,
    rejectInvalidCertificates: ews.rejectInvalidCertificates,
    ...(ews.caFile !== undefined && { caFile: resolve(baseDir, ews.caFile) }),
    allowInsecureHttp: ews.allowInsecureHttp,
    saveCopy: ews.saveCopy,
    ...(ews.password !== undefined && { passwordRef: secretRef(ews.password, baseDir) }),
    ...(ews.token !== undefined && { tokenRef: secretRef(ews.token, baseDir) }),
    ...(ews.auth === 'oauth' && ews.token === undefined && { oauth: normalizeCredentials(ews, baseDir) }),
  };
}

const smtpDefaultPort = { starttls: 587, tls: 465, none: 25 } as const;

function normalizeSmtp(smtp: NonNullable<RawSettings['smtp']>, baseDir: string): SmtpSettings {
  return {
    host: smtp.host.toLowerCase(),
    port: smtp.port ?? smtpDefaultPort[smtp.security],
    security: smtp.security,
    auth: smtp.auth,
    ...(smtp.username !== undefined && { username: smtp.username }),
    rejectInvalidCertificates: smtp.rejectInvalidCertificates,
    ...(smtp.caFile !== undefined && { caFile: resolve(baseDir, smtp.caFile) }),
    ...(smtp.password !== undefined && { passwordRef: secretRef(smtp.password, baseDir) }),
    ...(smtp.auth === 'xoauth2' && { credentials: normalizeCredentials(smtp, baseDir) }),
  };
}

function normalizeSubmission(sub: NonNullable<RawSettings['submission']>, baseDir: string): SubmissionSettings {
  const { host, port } = splitListen(sub.listen);
  return {
    listen: sub.listen, host, port,
    ...(sub.tls && { tls: { certFile: resolve(baseDir, sub.tls.certFile), keyFile: resolve(baseDir, sub.tls.keyFile) } }),
    users: (sub.users ?? []).map((u) => ({ username: u.username, passwordRef: secretRef(u.password, baseDir) })),
    maxMessageMB: sub.maxMessageMB,
  };
}

export function normalizeSettings(raw: RawSettings, baseDir: string): Settings {
  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    service: raw.service,
    message: { ...raw.message },
    ...(raw.service === 'ews' && raw.ews && { ews: normalizeEws(raw.ews, baseDir) }),
    ...(raw.service === 'mapi' && raw.mapi && { mapi: { profile: raw.mapi.profile } }),
    ...(raw.service === 'smtp' && raw.smtp && { smtp: normalizeSmtp(raw.smtp, baseDir) }),
    ...(raw.service === 'graph' && raw.graph && { graph: normalizeGraph(raw.graph, baseDir) }),
    test: { ...raw.test },
    ...(raw.submission && { submission: normalizeSubmission(raw.submission, baseDir) }),
  };
}
