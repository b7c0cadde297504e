// Shared by the OAuth and Graph tests: the fixture app certificate, an app directory for the sandbox, a
// token source of the agent pointed at a sandbox, and a clock both can share.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { ClientCredential, ClientCredentials, Secrets } from '../../agent/config/settings.ts';
import { HttpClient, type HttpRequest } from '../../agent/http/client.ts';
import type { HttpResponse } from '../../agent/http/exchange.ts';
import { ClientCredentialsTokenSource } from '../../agent/oauth/client-credentials.ts';
import { buildApps, type AppDirectory } from '../../agent/sandbox/identity/apps.ts';
import type { Sandbox } from '../../agent/sandbox/index.ts';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/oauth');
export const fixture = (name: string): string => readFileSync(path.join(fixturesDir, name), 'utf8');

export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const SECRET = 'sandbox-secret';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const OUTLOOK_SCOPE = 'https://outlook.office365.com/.default';

/** The fixture certificate (test/fixtures/oauth/app.pem) with its key, and its thumbprints as hex. */
export const appCert = {
  certPem: fixture('app.pem'),
  keyPem: fixture('app-key.pem'),
  get sha256Hex(): string { return createHash('sha256').update(new X509Certificate(this.certPem).raw).digest('hex'); },
  get sha1Hex(): string { return createHash('sha1').update(new X509Certificate(this.certPem).raw).digest('hex'); },
};

export interface AppSpec {
  clientId?: string;
  tenant?: string;
  secrets?: (string | { value: string; expires: string })[];
  certificates?: string[];
  permissions?: string[];
  mailboxes?: string[];
  tokenLifetimeSeconds?: number;
  consented?: boolean;
  disabled?: boolean;
}

/** The default app (secret and certificate registered) plus any others. */
export function apps(...more: AppSpec[]): Promise<AppDirectory> {
  const main: AppSpec = { clientId: CLIENT_ID, secrets: [SECRET], certificates: [appCert.certPem], permissions: ['Mail.Send', 'Mail.ReadBasic'], mailboxes: ['notify@sandbox.test'] };
  return buildApps({ apps: [main, ...more] });
}

/** A clock the agent's token source and the sandbox share (milliseconds), moved by tests. */
export class SharedClock {
  ms: number;
  constructor(start = Date.now()) { this.ms = start; }
  now = (): number => this.ms;
  date = (): Date => new Date(this.ms);
  advance(ms: number): void { this.ms += ms; }
}

/** An HTTP client trusting the sandbox's CA, counting the requests it sends. */
export class CountingClient extends HttpClient {
  readonly requests: { method: string; url: string }[] = [];
  override request(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push({ method: request.method, url: request.url.href });
    return super.request(request);
  }
  tokenRequests(): number {
    return this.requests.filter((r) => r.url.endsWith('/oauth2/v2.0/token')).length;
  }
}

export function sandboxClient(sandbox: Sandbox): CountingClient {
  return new CountingClient({ auth: { kind: 'none' }, rejectUnauthorized: true, secureContext: createSecureContext({ ca: sandbox.caPem }) });
}

export function credentialsFor(sandbox: Sandbox, credential: ClientCredential = { kind: 'secret', secretRef: { env: 'UNUSED' } }, over: Partial<ClientCredentials> = {}): ClientCredentials {
  return { tenant: 'sandbox.test', clientId: CLIENT_ID, credential, cloud: 'global', authorityHost: `127.0.0.1:${sandbox.port}`, ...over };
}

export const certificateCredential: ClientCredential = { kind: 'certificate', file: path.join(fixturesDir, 'app.pem') };

export function tokenSource(sandbox: Sandbox, http: HttpClient, options: { credential?: ClientCredential; secrets?: Secrets; scope?: string; now?: () => number; over?: Partial<ClientCredentials> } = {}): ClientCredentialsTokenSource {
  const credential = options.credential ?? { kind: 'secret', secretRef: { env: 'UNUSED' } };
  const secrets = options.secrets ?? (credential.kind === 'secret' ? { clientSecret: SECRET } : { certificate: { certPem: appCert.certPem, keyPem: appCert.keyPem } });
  return new ClientCredentialsTokenSource({
    credentials: credentialsFor(sandbox, credential, options.over), secrets, scope: options.scope ?? GRAPH_SCOPE, http,
    ...(options.now ? { now: options.now } : {}),
  });
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
