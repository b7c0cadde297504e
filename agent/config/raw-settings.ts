// The file's shape once the schema has passed and filled its defaults (mirrors
// schemas/mail-settings.schema.json); normalize.ts turns it into Settings.
import type { EwsAuth, ExchangeVersion, Service } from './settings.ts';

export type RawSecret = string | { file: string } | { env: string };

export interface RawSettings {
  apiVersion: 'mail-agent/v1';
  kind: 'MailSettings';
  service: Service;
  message: { from?: string; charset: string; plainText: boolean; attachmentLimitMB?: number; fromDelegation: boolean };
  ews?: {
    url?: string; server?: string; autodiscover?: string; username?: string;
    password?: RawSecret; token?: RawSecret; auth: EwsAuth; version: 'auto' | ExchangeVersion;
    rejectInvalidCertificates: boolean; caFile?: string; allowInsecureHttp: boolean; saveCopy: boolean;
  };
  mapi?: { profile: string };
  smtp?: {
    host: string; port?: number; security: 'starttls' | 'tls' | 'none'; auth: 'login' | 'none';
    username?: string; password?: RawSecret; rejectInvalidCertificates: boolean; caFile?: string;
  };
  test: { to?: string; onChange: boolean };
  submission?: {
    listen: string; tls?: { certFile: string; keyFile: string };
    users?: { username: string; password: RawSecret }[]; maxMessageMB: number;
  };
}
