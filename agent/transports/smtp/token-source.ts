// What the SMTP transport needs from an OAuth token source for XOAUTH2 (Exchange Online's SMTP.SendAsApp):
// declared here, minimally, so the transport does not wait for agent/oauth (the client-credentials token
// source being built for Graph), which provides this shape. Not yet reachable from the settings: `auth:
// xoauth2` joins the schema with the client-credentials block.

export interface AccessToken {
  value: string;
  expiresAt: Date;
}

export interface TokenSource {
  /** A token valid now (cached until shortly before it expires). */
  token(signal?: AbortSignal): Promise<AccessToken>;
  /** The server refused `value`: the next token() fetches a new one. */
  invalidate(value: string): void;
}
