// The normalized settings: what the loader returns (frozen) after schema defaults, semantic checks
// and secret resolution. Every later stage (reconcile, transports, message, queue) reads only this.

export type Service = 'ews' | 'mapi' | 'smtp' | 'graph';
export type EwsAuth = 'ntlm' | 'basic' | 'oauth';
export const ExchangeVersions = [
  'Exchange2007_SP1', 'Exchange2010', 'Exchange2010_SP1', 'Exchange2010_SP2',
  'Exchange2013', 'Exchange2013_SP1', 'Exchange2016',
] as const;
export type ExchangeVersion = (typeof ExchangeVersions)[number];

/** A secret as written in the file: a reference, or a literal (allowed, warned about). */
export type SecretRef = { file: string } | { env: string } | { literal: true };

/** Microsoft's clouds, each with its own login, Graph and Exchange Online hosts (clouds.ts). */
export const Clouds = ['global', 'usgov', 'usgovdod', 'china'] as const;
export type Cloud = (typeof Clouds)[number];

/** How an app registration proves itself: a client secret, or a certificate that signs an assertion. */
export type ClientCredential =
  | { kind: 'secret'; secretRef: SecretRef }
  | { kind: 'certificate'; file: string; keyFile?: string; passwordRef?: SecretRef };

/**
 * App-only OAuth (client credentials): the one credential block of the settings file
 * (`$defs/clientCredentials` in the schema), used by `graph`, by `ews` with auth oauth, by `smtp` with auth
 * xoauth2, and by any other service that signs in to Microsoft Entra ID as an application.
 */
export interface ClientCredentials {
  /** A tenant id (GUID) or domain. */
  tenant: string;
  clientId: string;
  credential: ClientCredential;
  cloud: Cloud;
  /** The login host tokens are asked from (the cloud's, or `authorityHost`), host[:port]. */
  authorityHost: string;
}

export interface MessageSettings {
  from?: string;
  charset: string;
  plainText: boolean;
  attachmentLimitMB?: number;
  fromDelegation: boolean;
}

export interface EwsSettings {
  /** Resolved endpoint: from `url`, or `server` expanded; absent when `autodiscover` is used. */
  url?: string;
  /** The form the file used, for status and logs. */
  endpointSource: 'url' | 'server' | 'autodiscover';
  autodiscover?: string;
  username?: string;
  auth: EwsAuth;
  version: 'auto' | ExchangeVersion;
  rejectInvalidCertificates: boolean;
  caFile?: string;
  allowInsecureHttp: boolean;
  saveCopy: boolean;
  /** How the secret was given (never its value). */
  passwordRef?: SecretRef;
  tokenRef?: SecretRef;
  /** auth oauth without a static token: the app registration that obtains tokens. */
  oauth?: ClientCredentials;
}

export interface GraphSettings {
  credentials: ClientCredentials;
  /** The sending mailbox: a user principal name or an object id. */
  mailbox: string;
  saveCopy: boolean;
  rejectInvalidCertificates: boolean;
  caFile?: string;
  /** Where Graph requests go (the cloud's host, or `graphHost`), host[:port]. */
  graphHost: string;
}

export interface MapiSettings {
  /** 'default' = the default profile. */
  profile: string;
}

export interface SmtpSettings {
  host: string;
  /** Resolved: the file's port, else 587 (starttls), 465 (tls) or 25 (none). */
  port: number;
  security: 'starttls' | 'tls' | 'none';
  auth: 'login' | 'xoauth2' | 'none';
  /** With login, the account; with xoauth2, the mailbox the app sends as (XOAUTH2's user=). */
  username?: string;
  rejectInvalidCertificates: boolean;
  caFile?: string;
  passwordRef?: SecretRef;
  /** auth xoauth2: the app registration that obtains Exchange Online tokens (SMTP.SendAsApp). */
  credentials?: ClientCredentials;
}

/** The local SMTP submission port (agent/submission). Not part of the transport's settings digest. */
export interface SubmissionSettings {
  /** As written: `HOST:PORT`. */
  listen: string;
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  users: { username: string; passwordRef: SecretRef }[];
  maxMessageMB: number;
}

export interface TestSettings {
  to?: string;
  onChange: boolean;
}

export interface Settings {
  apiVersion: 'mail-agent/v1';
  kind: 'MailSettings';
  service: Service;
  message: MessageSettings;
  ews?: EwsSettings;
  mapi?: MapiSettings;
  smtp?: SmtpSettings;
  graph?: GraphSettings;
  test: TestSettings;
  submission?: SubmissionSettings;
}

/** Secret values, kept apart from Settings so that settings can be logged and written to status. */
export interface Secrets {
  /** The chosen service's password (ews or smtp). */
  password?: string;
  token?: string;
  /** Client credentials (graph, ews with auth oauth, smtp with auth xoauth2): the secret's value, or the
   *  certificate and its key. */
  clientSecret?: string;
  certificate?: CertificateSecret;
  /** The submission port's user passwords (by user name) and its TLS files' contents. */
  submission?: SubmissionSecrets;
}

export interface SubmissionSecrets {
  passwords: ReadonlyMap<string, string>;
  tls?: { cert: Buffer; key: Buffer };
}

/** A client certificate as loaded: the certificate (PEM) and its private key (unencrypted PKCS#8 PEM). */
export interface CertificateSecret {
  certPem: string;
  keyPem: string;
}

export interface LoadedConfig {
  path: string;
  /** `sha256:` + hex of the raw bytes, as `sha256sum` prints. */
  revision: string;
  /** `sha256:` + HMAC-SHA256, under the install's digest key, of the normalized settings plus a hash of
   *  each secret (config/digest.ts). */
  settingsDigest: string;
  /**
   * `sha256:` over what a test message proves — the normalized settings and the caFile — without the
   * credentials' values: a rotated password, secret or certificate is verified again but sends no test message.
   * Absent (a config built by hand): the settings digest stands in.
   */
  testDigest?: string;
  settings: Readonly<Settings>;
  secrets: Readonly<Secrets>;
  /** Files the settings reference (secret files, caFile): a change to one is a change of the settings. */
  referencedFiles: readonly string[];
  warnings: readonly ConfigIssue[];
  /** `sha256:` over the submission section and its secrets (absent without one): a change restarts the port. */
  submissionDigest?: string;
}

/** One problem found in a settings file. Never carries a value from the file. */
export interface ConfigIssue {
  file: string;
  /** JSON pointer of the offending node ('' = the document). */
  path: string;
  keyword: string;
  /** 1-based; 1 (with column 1) when the problem is the file as a whole: missing, unreadable, too large. */
  line: number;
  column: number;
  message: string;
  /** An ErrorCode: the stage's reason (SchemaViolation, SecretUnreadable, …) or, for a warning,
   *  InsecureSecret / LiteralSecret / InsecureTransport / IgnoredSetting. */
  code: string;
}
