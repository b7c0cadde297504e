// What one Autodiscover endpoint said, whichever dialect (POX or SOAP) it spoke.

export type Answer =
  /** The mailbox's EWS URLs: EXPR / ExternalEwsUrl and EXCH / InternalEwsUrl (either may be missing). */
  | { kind: 'settings'; external?: string; internal?: string }
  /** Start over with another address (POX Action redirectAddr, SOAP RedirectAddress). */
  | { kind: 'redirectAddr'; address: string }
  /** Ask another Autodiscover URL (POX Action redirectUrl, SOAP RedirectUrl, or an HTTP 301/302). */
  | { kind: 'redirectUrl'; url: string; how: string }
  /** The endpoint answered but gave nothing usable; `permanent`: it said no about this mailbox. */
  | { kind: 'failed'; reason: string; permanent: boolean }
  /** The endpoint does not speak this dialect (404, 405, not the expected XML): try the other one. */
  | { kind: 'unsupported'; reason: string };
