// The sandbox's --auth-schemes and --extended-protection, with the agent as the subject: NTLM inside
// SPNEGO for a Negotiate-only server (and the mechListMIC Windows requires), a clear reason from a
// Kerberos-only one, MsvAvChannelBindings and MsvAvTargetName in every AUTHENTICATE, Extended Protection
// require/allow judged against the certificate's tls-server-end-point. exchangelib's view of the same
// modes is in test/sandbox/exchangelib-modes.test.ts.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAgentError } from '../../agent/errors.ts';
import { certificateBindings, channelBindingsHash, endPointHashOf, tlsServerEndPoint } from '../../agent/ntlm/channel-bindings.ts';
import { authenticate, type1Message } from '../../agent/ntlm/client.ts';
import { decodeNegotiationToken, encodeNegTokenInit, encodeNegTokenResp, mechTypeList, NegState, Oids } from '../../agent/ntlm/spnego.ts';
import { messageSignature } from '../../agent/ntlm/signing.ts';
import type { AuthEvent, SandboxOptions } from '../../agent/sandbox/index.ts';
import { parseAuthSchemes } from '../../agent/sandbox/auth/policy.ts';
import { createTransport } from '../../agent/transports/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';
import { watchUnhandled, type UnhandledWatch } from './helpers/unhandled.ts';
import { soap } from '../sandbox/helpers.ts';

let unhandled: UnhandledWatch;
test.before(() => { unhandled = watchUnhandled(); });

async function withSandbox(options: Partial<SandboxOptions>, body: (sb: TestSandbox, events: AuthEvent[]) => Promise<void>): Promise<void> {
  const events: AuthEvent[] = [];
  const sb = await startTestSandbox({ ...options, onAuth: (e) => events.push(e) });
  try {
    await body(sb, events);
  } finally {
    await sb.cleanup();
  }
}

/** verify + send with the agent's transport (NTLM configured); the error when it fails. */
async function agentSends(sb: TestSandbox, subject: string): Promise<unknown> {
  const transport = await createTransport(ewsConfig({ url: sb.url, auth: 'ntlm', username: account.username, caFile: sb.caPath }, { password: account.password }), { timeoutMs: 5000 });
  try {
    await transport.verify();
    await transport.send(await outgoing({ from: account.email, to: ['ops@contoso.test'], subject, text: 'hello' }));
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await transport.close();
  }
}

interface Reply { status: number; header: string }
function post(sb: TestSandbox, agent: Agent, authorization: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(sb.url, { method: 'POST', agent, ca: sb.caPem, headers: { 'content-type': 'text/xml', authorization } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, header: String(res.headers['www-authenticate'] ?? '') }));
    });
    req.on('error', reject);
    req.end(GET_FOLDER);
  });
}

/** The server's answer to a first request carrying `authorization`, on a connection of its own. */
async function firstAnswer(sb: TestSandbox, authorization: string): Promise<Reply> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await post(sb, agent, authorization);
  } finally {
    agent.destroy();
  }
}

const GET_FOLDER = soap('<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>');

const negotiateToken = (header: string): Buffer => Buffer.from(/Negotiate ([A-Za-z0-9+/=]+)/.exec(header)?.[1] ?? '', 'base64');

test('channel bindings: RFC 5929 hash of the certificate\'s signature (SHA-256 for ECDSA-SHA256, and for SHA-1/MD5), MD5 of the gss struct', async () => {
  await withSandbox({}, async (sb) => {
    const der = new X509Certificate(await readFile(`${sb.dataDir}/server.pem`, 'utf8')).raw;
    assert.is(endPointHashOf(der), 'sha256');
    const appData = tlsServerEndPoint(der);
    assert.is(appData.subarray(0, 21).toString('latin1'), 'tls-server-end-point:');
    assert.is(appData.length, 21 + 32);
    // gss_channel_bindings_struct: four zero words (addresses), the length, then the data ([RFC 2744] 3.11).
    const struct = Buffer.concat([Buffer.alloc(16), Buffer.from([appData.length, 0, 0, 0]), appData]);
    assert.equal(channelBindingsHash(appData), createHash('md5').update(struct).digest());
    assert.equal(certificateBindings(der), channelBindingsHash(appData));
  });
});

test('--auth-schemes: names checked, negotiate and negotiate:kerberos exclusive', () => {
  assert.equal(parseAuthSchemes('Negotiate, ntlm'), ['negotiate', 'ntlm']);
  assert.throws(() => parseAuthSchemes('ntlm,kerberos'), /unknown scheme kerberos/);
  assert.throws(() => parseAuthSchemes('negotiate,negotiate:kerberos'), /name one/);
});

test('the 401 offers exactly the configured schemes, in order; a scheme not offered is refused', async () => {
  await withSandbox({ authSchemes: ['negotiate', 'basic'] }, async (sb) => {
    const r = await firstAnswer(sb, `NTLM ${type1Message().toString('base64')}`);
    assert.is(r.status, 401);
    assert.is(r.header, 'Negotiate, Basic realm="sandbox.local"');
  });
});

test('negotiate only: the agent sends NTLM inside SPNEGO, with a mechListMIC, MsvAvChannelBindings and MsvAvTargetName', async () => {
  await withSandbox({ authSchemes: ['negotiate'], hostnames: ['mail.contoso.test'] }, async (sb, events) => {
    assert.is(await agentSends(sb, 'spnego'), undefined);
    const ok = events.filter((e) => e.ok);
    assert.ok(ok.length >= 1, JSON.stringify(events));
    assert.equal(ok[0], { scheme: 'negotiate', spnego: true, ok: true, account: account.username, channelBinding: 'match', targetName: 'HTTP/127.0.0.1' });
    assert.ok((await sb.deliveries()).some((d) => d.subject === 'spnego'));
  });
});

test('negotiate only: SPNEGO without the mechListMIC is refused when the NTLM message has a MIC; a raw NTLM token is taken (as Windows does)', async () => {
  await withSandbox({ authSchemes: ['negotiate'] }, async (sb, events) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const type1 = type1Message();
    const first = await post(sb, agent, `Negotiate ${encodeNegTokenInit([Oids.ntlm], type1).toString('base64')}`);
    assert.is(first.status, 401);
    const resp = decodeNegotiationToken(negotiateToken(first.header));
    assert.ok('resp' in resp && resp.resp.negState === NegState.acceptIncomplete && resp.resp.supportedMech === Oids.ntlm && resp.resp.responseToken);
    const done = authenticate(resp.resp.responseToken, { username: account.username, password: account.password }, { type1 });
    assert.ok(done.withMic);
    const second = await post(sb, agent, `Negotiate ${encodeNegTokenResp({ responseToken: done.message }).toString('base64')}`);
    assert.is(second.status, 401);
    assert.match(events.at(-1)?.reason ?? '', /mechListMIC missing/);
    agent.destroy();
    // With the MIC: accepted, and the server's final token proves it holds the session key.
    const agent2 = new Agent({ keepAlive: true, maxSockets: 1 });
    const again = await post(sb, agent2, `Negotiate ${encodeNegTokenInit([Oids.ntlm], type1).toString('base64')}`);
    const challenge = decodeNegotiationToken(negotiateToken(again.header));
    const done2 = authenticate('resp' in challenge ? challenge.resp.responseToken! : Buffer.alloc(0), { username: account.username, password: account.password }, { type1 });
    const mic = messageSignature(done2.exportedSessionKey, 'client', mechTypeList([Oids.ntlm]), false);
    const ok = await post(sb, agent2, `Negotiate ${encodeNegTokenResp({ responseToken: done2.message, mechListMIC: mic }).toString('base64')}`);
    assert.is(ok.status, 200);
    const final = decodeNegotiationToken(negotiateToken(ok.header));
    assert.ok('resp' in final && final.resp.negState === NegState.acceptCompleted);
    assert.equal('resp' in final ? final.resp.mechListMIC : undefined, messageSignature(done2.exportedSessionKey, 'server', mechTypeList([Oids.ntlm]), false));
    agent2.destroy();
    // Raw NTLM under the Negotiate label is answered in that label.
    const agent3 = new Agent({ keepAlive: true, maxSockets: 1 });
    const raw = await post(sb, agent3, `Negotiate ${type1.toString('base64')}`);
    assert.is(raw.status, 401);
    assert.is(negotiateToken(raw.header).subarray(0, 8).toString('latin1'), 'NTLMSSP\0');
    agent3.destroy();
  });
});

test('Kerberos only (negotiate:kerberos): the agent fails with a reason that says so, not "wrong password"', async () => {
  await withSandbox({ authSchemes: ['negotiate:kerberos'] }, async (sb, events) => {
    const error = await agentSends(sb, 'kerberos');
    assert.ok(isAgentError(error), String(error));
    assert.is(error.code, 'AuthFailed');
    assert.is(error.transient, false);
    assert.match(error.message, /offers only Negotiate and rejected NTLM \(SPNEGO negState reject\): it accepts Kerberos only/);
    assert.match(error.message, /Enable NTLM on the EWS virtual directory/);
    assert.match(events.at(-1)?.reason ?? '', /no mechanism the server accepts/);
  });
});

test('Kerberos only: a raw NTLM token under Negotiate gets no challenge at all (as IIS\'s Negotiate:Kerberos provider)', async () => {
  await withSandbox({ authSchemes: ['negotiate:kerberos'] }, async (sb) => {
    const raw = await firstAnswer(sb, `Negotiate ${type1Message().toString('base64')}`);
    assert.is(raw.status, 401);
    assert.is(raw.header, 'Negotiate');
  });
});

test('a server whose Negotiate answers every NTLM token with a bare 401: the agent says Kerberos only, after trying both labels', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? '').split(' ')[0] ?? '');
    req.resume();
    res.writeHead(401, { 'www-authenticate': 'Negotiate', 'content-length': 0 }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
    const transport = await createTransport(ewsConfig({ url, auth: 'ntlm', username: account.username, allowInsecureHttp: true }, { password: account.password }), { timeoutMs: 5000 });
    const error = await transport.verify().then(() => undefined, (e: unknown) => e);
    await transport.close();
    assert.ok(isAgentError(error) && error.code === 'AuthFailed', String(error));
    assert.match(error.message, /offers only Negotiate and answered the NTLM token with no challenge: it accepts Kerberos only/);
    assert.equal(seen, ['NTLM', 'Negotiate']);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('extended protection require: the agent\'s channel binding matches; a client without one is refused', async () => {
  await withSandbox({ extendedProtection: 'require' }, async (sb, events) => {
    assert.is(await agentSends(sb, 'epa'), undefined);
    assert.equal(events.filter((e) => e.ok).map((e) => [e.scheme, e.channelBinding]), [['ntlm', 'match']]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const type1 = type1Message();
    const first = await post(sb, agent, `NTLM ${type1.toString('base64')}`);
    const type2 = Buffer.from(/NTLM ([A-Za-z0-9+/=]+)/.exec(first.header)?.[1] ?? '', 'base64');
    const bare = authenticate(type2, { username: account.username, password: account.password }, { type1 });
    assert.is((await post(sb, agent, `NTLM ${bare.message.toString('base64')}`)).status, 401);
    assert.equal(events.at(-1), { scheme: 'ntlm', ok: false, account: account.username, channelBinding: 'absent', reason: 'extended protection requires a channel binding' });
    agent.destroy();
  });
});

test('extended protection allow: no binding passes, a wrong one (another certificate\'s) does not', async () => {
  await withSandbox({ extendedProtection: 'allow' }, async (sb, events) => {
    const attempt = async (channelBindings?: Buffer): Promise<number> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const type1 = type1Message();
      const first = await post(sb, agent, `NTLM ${type1.toString('base64')}`);
      const type2 = Buffer.from(/NTLM ([A-Za-z0-9+/=]+)/.exec(first.header)?.[1] ?? '', 'base64');
      const done = authenticate(type2, { username: account.username, password: account.password }, { type1, ...(channelBindings ? { channelBindings } : {}) });
      const status = (await post(sb, agent, `NTLM ${done.message.toString('base64')}`)).status;
      agent.destroy();
      return status;
    };
    assert.is(await attempt(), 200);
    assert.is(await attempt(channelBindingsHash(Buffer.from('tls-server-end-point:another certificate'))), 401);
    assert.is(events.at(-1)?.channelBinding, 'mismatch');
    assert.is(await agentSends(sb, 'allow'), undefined);
  });
});

test('extended protection require over plain HTTP is refused at start (nothing to bind to)', async () => {
  const error = await startTestSandbox({ http: true, extendedProtection: 'require' }).then(async (sb) => { await sb.cleanup(); return undefined; }, (e: unknown) => e);
  assert.ok(isAgentError(error) && error.code === 'Usage', String(error));
});

test('no unhandled rejection escaped (one after the last test fails the file at exit)', () => {
  assert.equal(unhandled.seen, []);
});

test.run();
