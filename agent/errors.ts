// Errors carry a stable `code` that callers and the status file match on (the undici way);
// library errors are turned into these at the boundary, never passed through raw.

export const ErrorCodes = {
  // settings file
  ConfigMissing: 'ConfigMissing',
  ConfigUnreadable: 'ConfigUnreadable',
  ConfigTooLarge: 'ConfigTooLarge',
  YamlSyntax: 'YamlSyntax',
  SchemaViolation: 'SchemaViolation',
  SemanticViolation: 'SemanticViolation',
  EncryptedConfigNotDecrypted: 'EncryptedConfigNotDecrypted',
  SecretUnreadable: 'SecretUnreadable',
  CaFileUnreadable: 'CaFileUnreadable',
  // settings warnings (valid, but unwise)
  InsecureSecret: 'InsecureSecret',
  LiteralSecret: 'LiteralSecret',
  InsecureTransport: 'InsecureTransport',
  IgnoredSetting: 'IgnoredSetting',
  // transport
  AuthFailed: 'AuthFailed',
  /** Sign-in worked, then stopped working (e.g. a MAPI profile's modern-authentication tokens expired). */
  AuthExpired: 'AuthExpired',
  CertificateRejected: 'CertificateRejected',
  SendAsDenied: 'SendAsDenied',
  ServerBusy: 'ServerBusy',
  ServerUnavailable: 'ServerUnavailable',
  ServerError: 'ServerError',
  ProtocolError: 'ProtocolError',
  Timeout: 'Timeout',
  ConnectionFailed: 'ConnectionFailed',
  HostNotFound: 'HostNotFound',
  AutodiscoverFailed: 'AutodiscoverFailed',
  InvalidServerVersion: 'InvalidServerVersion',
  RecipientRejected: 'RecipientRejected',
  // SMTP (service: smtp): the server's reply class decides transient (4xx) or permanent (5xx)
  SmtpAuthDisabled: 'SmtpAuthDisabled',
  AuthRequired: 'AuthRequired',
  RelayDenied: 'RelayDenied',
  ProfileNotFound: 'ProfileNotFound',
  PlatformUnsupported: 'PlatformUnsupported',
  HelperFailed: 'HelperFailed',
  /** Submitted, but still in the Outbox past the limit: neither delivered nor to be sent again. */
  StuckInOutbox: 'StuckInOutbox',
  // identity platform (app-only OAuth) and Graph's permissions: the AADSTS code goes into serverCode
  TenantNotFound: 'TenantNotFound',
  ApplicationNotFound: 'ApplicationNotFound',
  ApplicationDisabled: 'ApplicationDisabled',
  ClientSecretInvalid: 'ClientSecretInvalid',
  ClientSecretExpired: 'ClientSecretExpired',
  ClientCertificateRejected: 'ClientCertificateRejected',
  ConsentMissing: 'ConsentMissing',
  PermissionMissing: 'PermissionMissing',
  MailboxNotFound: 'MailboxNotFound',
  // messages and queue
  MessageInvalid: 'MessageInvalid',
  /** The server refused the message as over its size limit (EWS ErrorMessageSizeExceeded, SMTP 552 5.3.4). */
  MessageTooLarge: 'MessageTooLarge',
  /** A send's outcome cannot be told yet (not found on the server so soon after it was sent). */
  OutcomeUnknown: 'OutcomeUnknown',
  AttachmentLimitExceeded: 'AttachmentLimitExceeded',
  FromNotAllowed: 'FromNotAllowed',
  CharsetUnencodable: 'CharsetUnencodable',
  // process
  Usage: 'Usage',
  StateDirLocked: 'StateDirLocked',
  /** The state dir (or a file the agent writes) is owned or writable by someone else, or a planted link. */
  StateDirUnsafe: 'StateDirUnsafe',
  DiskFull: 'DiskFull',
  Internal: 'Internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface AgentErrorOptions {
  /** true: retrying later may succeed (busy, network); false: needs a new settings file. */
  transient?: boolean;
  /** Server-requested delay before a retry (EWS BackOffMilliseconds, Retry-After). */
  backoffMs?: number;
  /** The server's own response code, e.g. ErrorSendAsDenied. */
  serverCode?: string;
  cause?: unknown;
}

export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly transient: boolean;
  readonly backoffMs: number | undefined;
  readonly serverCode: string | undefined;

  constructor(code: ErrorCode, message: string, options: AgentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.code = code;
    this.transient = options.transient ?? false;
    this.backoffMs = options.backoffMs;
    this.serverCode = options.serverCode;
  }
}

export function isAgentError(value: unknown): value is AgentError {
  return value instanceof AgentError;
}

/** Anything thrown, as an AgentError; unknown shapes become Internal with a safe message. */
export function toAgentError(value: unknown): AgentError {
  if (value instanceof AgentError) return value;
  if (value instanceof Error) return new AgentError(ErrorCodes.Internal, value.message, { cause: value });
  return new AgentError(ErrorCodes.Internal, 'unexpected non-Error failure', { cause: value });
}
