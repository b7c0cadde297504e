// An independent OAuth client of the sandbox: Microsoft's @azure/msal-node, as an app would use it (client
// credentials with a secret or a certificate). Run in a child process so that NODE_EXTRA_CA_CERTS (the
// sandbox's CA) reaches its HTTP client. Argument: JSON {authority, clientId, scope, secret? | certificate?:
// {privateKey, thumbprintSha256? | thumbprint?}}. Prints JSON: {token, expiresOn} or {error, errorCode}.
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';

interface Input {
  authority: string;
  clientId: string;
  scope: string;
  secret?: string;
  certificate?: { privateKey: string; thumbprintSha256?: string; thumbprint?: string };
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const auth: Configuration['auth'] = {
  clientId: input.clientId,
  authority: input.authority,
  knownAuthorities: [new URL(input.authority).host],
  ...(input.secret !== undefined ? { clientSecret: input.secret } : {}),
  ...(input.certificate ? { clientCertificate: input.certificate } : {}),
};
try {
  const app = new ConfidentialClientApplication({ auth });
  const result = await app.acquireTokenByClientCredential({ scopes: [input.scope], skipCache: true });
  process.stdout.write(JSON.stringify({ token: result?.accessToken, expiresOn: result?.expiresOn }) + '\n');
} catch (err) {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string };
  process.stdout.write(JSON.stringify({ error: e.errorMessage ?? e.message, errorCode: e.errorCode }) + '\n');
}
