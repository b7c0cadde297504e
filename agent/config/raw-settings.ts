// The file's shape once the schema has passed and filled its defaults (mirrors
// schemas/mail-settings.schema.json; test/architecture/schema-types.test.ts fails when the two drift apart);
// normalize.ts turns it into Settings.
import type { Cloud, EwsAuth, ExchangeVersion, Service } from './settings.ts';

export type RawSecret = string | { file: string } | { env: string };

/** `$defs/clientCredentials`: complete where the schema requires it (graph; ews with oauth and no token; smtp
 *  with xoauth2). */
export interface RawClientCredentials {
  tenant?: string;
  clientId?: string;
  clientSecret?: RawSecret;
  certificate?: { file: string; keyFile?: string; password?: RawSecret };
  cloud?: Cloud;
  authorityHost?: string;
}

export interface RawSettings {
  apiVersion: 'mail-agent/v1';
  kind: 'MailSettings';
  service: Service;
  message: { from?: string; charset: string; plainText: boolean; attachmentLimitMB?: number; fromDelegation: boolean };
  ews?: RawClientCredentials & {
    url?: string; server?: string; autodiscover?: string; username?: string;
    password?: RawSecret; token?: RawSecret; auth: EwsAuth; version: 'auto' | ExchangeVersion;
    rejectInvalidCertificates: boolean; caFile?: string; allowInsecureHttp: boolean; saveCopy: boolean;
  };
  mapi?: { profile: string };
  smtp?: RawClientCredentials & {
    host: string; port?: number; security: 'starttls' | 'tls' | 'none'; auth: 'login' | 'xoauth2' | 'none';
    username?: string; password?: RawSecret; rejectInvalidCertificates: boolean; caFile?: string;
  };
  graph?: RawClientCredentials & {
    tenant: string; clientId: string; cloud: Cloud;
    mailbox: string; saveCopy: boolean; rejectInvalidCertificates: boolean; caFile?: string; graphHost?: string;
  };
  test: { to?: string; onChange: boolean };
  submission?: {
    listen: string; tls?: { certFile: string; keyFile: string };
    users?: { username: string; password: RawSecret }[]; maxMessageMB: number;
  };
}
