// Shared by the Graph sandbox tests: tokens from the sandbox's identity platform, and raw Graph requests
// over HTTPS trusting its CA, each answer's body checked against Microsoft's metadata where it has one.
import * as assert from 'uvu/assert';
import type { Sandbox } from '../../agent/sandbox/index.ts';
import { checkGraphBody, type GraphKind } from '../helpers/graph-schema.ts';
import { CLIENT_ID, GRAPH_SCOPE, SECRET } from '../helpers/oauth.ts';
import { post, type Reply } from './helpers.ts';

export async function graphToken(sandbox: Sandbox, clientId = CLIENT_ID, secret = SECRET, tenant = 'sandbox.test'): Promise<string> {
  const reply = await post(sandbox, new URLSearchParams({ client_id: clientId, client_secret: secret, grant_type: 'client_credentials', scope: GRAPH_SCOPE }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' }, `${sandbox.origin}/${tenant}/oauth2/v2.0/token`);
  assert.equal(checkGraphBody('token', reply.body), [], reply.body);
  return (JSON.parse(reply.body) as { access_token: string }).access_token;
}

export interface GraphCall { method?: string; token?: string; json?: unknown; mime?: Buffer; body?: Buffer; headers?: Record<string, string>; url?: string }

/** A Graph request to `path` (after /v1.0/users/…, or a full URL in `url`). */
export function graph(sandbox: Sandbox, path: string, call: GraphCall = {}): Promise<Reply> {
  const body = call.body ?? (call.mime ? Buffer.from(call.mime.toString('base64')) : call.json !== undefined ? Buffer.from(JSON.stringify(call.json)) : Buffer.alloc(0));
  const headers: Record<string, string> = {
    ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
    ...(call.mime ? { 'content-type': 'text/plain' } : call.json !== undefined ? { 'content-type': 'application/json' } : {}),
    'content-length': String(body.length), ...call.headers,
  };
  return post(sandbox, body, headers, call.url ?? `${sandbox.origin}/v1.0/users/${path}`, call.method ?? (body.length > 0 ? 'POST' : 'GET'));
}

/** Asserts the status and, for a JSON answer, its shape by Microsoft's metadata; returns the parsed body. */
export function answered(reply: Reply, status: number, kind?: GraphKind): Record<string, unknown> {
  assert.is(reply.status, status, reply.body);
  if (status === 202 || status === 204 || (status === 201 && kind === undefined)) {
    assert.is(reply.body, '', 'no body');
    return {};
  }
  const check = kind ?? (status >= 400 ? 'error' : undefined);
  if (check) assert.equal(checkGraphBody(check, reply.body), [], `${check}: ${reply.body.slice(0, 300)}`);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

export function graphError(reply: Reply, status: number, code: string): string {
  const body = answered(reply, status) as { error: { code: string; message: string } };
  assert.is(body.error.code, code, reply.body);
  return body.error.message;
}
