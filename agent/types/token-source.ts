// The small interface every transport that signs in with OAuth uses (Graph; EWS and SMTP in Exchange
// Online): a token for one scope, held in memory, refreshed before it expires. `invalidate` drops a token
// the server refused (401 invalid_token), so the next call gets a new one.

export interface AccessToken {
  /** The bearer token: never logged, never written anywhere. */
  value: string;
  expiresAt: Date;
}

export interface TokenSource {
  token(signal?: AbortSignal): Promise<AccessToken>;
  invalidate(value: string): void;
  /** When the token held now expires (for the status file), or undefined before the first one. */
  expiresAt(): Date | undefined;
}
