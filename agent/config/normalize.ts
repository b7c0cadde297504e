// Validated file → normalized Settings: `server` expanded to its EWS URL, paths made absolute
// (relative to the settings file's folder), secrets reduced to how they are referenced, and only the
// chosen service's section kept, so that an edit to the unused one changes nothing.
import { resolve } from 'node:path';
import type { RawSecret, RawSettings } from './raw-settings.ts';
import type { EwsSettings, SecretRef, Settings } from './settings.ts';

export function ewsUrlOfServer(server: string): string {
  return `https://${server}/EWS/Exchange.asmx`;
}

export function secretRef(secret: RawSecret, baseDir: string): SecretRef {
  if (typeof secret === 'string') return { literal: true };
  return 'file' in secret ? { file: resolve(baseDir, secret.file) } : { env: secret.env };
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
    test: { ...raw.test },
  };
}
