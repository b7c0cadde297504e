// The identity platform's refusals the sandbox does not produce for client credentials (consent, the
// resource's service principal, throttling, a host that is no login host), mapped from the answers
// Microsoft documents; and discovery refusing a token endpoint on another host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import type { HttpClient } from '../../agent/http/client.ts';
import type { HttpResponse } from '../../agent/http/exchange.ts';
import { discover } from '../../agent/oauth/discovery.ts';
import { identityError, type IdentityContext } from '../../agent/oauth/identity-errors.ts';

const context: IdentityContext = { tenant: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555', authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com', now: Date.now() };

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), socket: undefined as unknown as Socket };
}

const aadsts = (code: number, error = 'invalid_request') => ({ error, error_description: `AADSTS${code}: words. Trace ID: x`, error_codes: [code] });

test('consent and resource problems → ConsentMissing with the AADSTS code', () => {
  for (const code of [65001, 650056, 500011]) {
    const err = identityError(answer(400, aadsts(code)), context, 'token request');
    assert.equal([err.code, err.serverCode, err.transient], ['ConsentMissing', `AADSTS${code}`, false]);
    assert.match(err.message, /contoso\.onmicrosoft\.com/);
  }
});

test('an AADSTS code known only by its description is still read; an unknown one is AuthFailed, named', () => {
  const described = identityError(answer(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }), context, 'token request');
  assert.equal([described.code, described.serverCode], ['ClientSecretInvalid', 'AADSTS7000215']);
  const unknown = identityError(answer(400, aadsts(53003, 'invalid_grant')), context, 'token request');
  assert.equal([unknown.code, unknown.serverCode], ['AuthFailed', 'AADSTS53003']);
  assert.match(unknown.message, /\(AADSTS53003, invalid_grant\)$/);
});

test('throttled or failing login hosts are transient, honouring Retry-After', () => {
  const busy = identityError(answer(429, aadsts(50196), { 'retry-after': '7' }), context, 'token request');
  assert.equal([busy.code, busy.transient, busy.backoffMs], ['ServerBusy', true, 7000]);
  const down = identityError(answer(503, '<html>Service Unavailable</html>'), context, 'token request');
  assert.equal([down.code, down.transient], ['ServerUnavailable', true]);
});

test('an answer that is no identity platform error says so (a proxy page, a wrong host)', () => {
  const err = identityError(answer(404, '<html>Not Found</html>'), context, 'OpenID configuration request');
  assert.equal([err.code, err.transient], ['ProtocolError', false]);
  assert.match(err.message, /is login\.microsoftonline\.com a Microsoft login host\?/);
});

function stubHttp(response: HttpResponse): HttpClient {
  return { request: () => Promise.resolve(response) } as unknown as HttpClient;
}

test('discovery: a token endpoint on another host, or over http, is refused', async () => {
  for (const endpoint of ['https://evil.example/t/oauth2/v2.0/token', 'http://login.microsoftonline.com/t/oauth2/v2.0/token']) {
    const http = stubHttp(answer(200, { token_endpoint: endpoint, issuer: 'x' }));
    try {
      await discover(http, context, 1000);
      assert.unreachable('expected a refusal');
    } catch (err) {
      assert.is((err as { code?: string }).code, 'ProtocolError');
    }
  }
  const good = await discover(stubHttp(answer(200, { token_endpoint: 'https://login.microsoftonline.com/72f988bf/oauth2/v2.0/token', issuer: 'i' })), context, 1000);
  assert.is(good.tokenEndpoint, 'https://login.microsoftonline.com/72f988bf/oauth2/v2.0/token');
});

test.run();
