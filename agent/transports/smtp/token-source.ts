// What the SMTP transport needs of an OAuth token source for XOAUTH2 (Exchange Online's SMTP.SendAsApp): the
// shared contract (types/token-source.ts) without expiresAt, which the status file reads from Graph and EWS.
import type { AccessToken, TokenSource as SharedTokenSource } from '../../types/token-source.ts';

export type { AccessToken };
export type TokenSource = Pick<SharedTokenSource, 'token' | 'invalidate'>;
