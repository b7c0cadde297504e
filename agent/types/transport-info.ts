// What a verified transport reports about itself (Transport.verify): the status file's lastApplied.transport,
// applied.json and the metrics carry it, so it lives here, below both the transports and the status.
// schemas/status.schema.json ($defs/transport) is its published form.

export interface TransportInfo {
  /** 'dryrun': the tests' no-network transport (test/helpers/dryrun). */
  service: 'ews' | 'mapi' | 'smtp' | 'graph' | 'dryrun';
  endpoint: string;
  auth?: string;
  account?: string;
  /** The Exchange version (EWS). MAPI does not learn it: absent there. */
  serverVersion?: string;
  serverBuild?: string;
  /** MAPI: the mail client whose MAPI provider sends (HKLM\\Software\\Clients\\Mail), with its bitness. */
  client?: string;
  /** MAPI: the helper program that talks to it, its version and bitness. */
  helper?: string;
  /** MAPI: the profile's default store opened online (on the server) or cached (the local copy, whose
   *  Outbox Outlook's synchronization empties later). */
  store?: 'online' | 'cached';
  /** App-only OAuth (Graph, EWS, SMTP XOAUTH2): when the access token held at verify expires (never the token itself). */
  tokenExpiresAt?: string;
}
