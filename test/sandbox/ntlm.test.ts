// NTLM: known answers from [MS-NLMP] 4.2.4 (NTLMv2 authentication), and our client against our server
// over a real keep-alive connection to the sandbox.
import { Agent, request } from 'node:https';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createType1, createType3, type3Message } from '../../agent/ntlm/client.ts';
import { lmv2Response, ntHash, ntlmv2Blob, ntlmv2Response, ntowfv2, rc4 } from '../../agent/ntlm/crypto.ts';
import { Flags } from '../../agent/ntlm/flags.ts';
import { decodeAuthenticate, encodeChallenge } from '../../agent/ntlm/messages.ts';
import { createNtlmAcceptor } from '../../agent/sandbox/auth/ntlm-server.ts';
import { createItem, soap, tempSandbox, type TestSandbox } from './helpers.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
// [MS-NLMP] 4.2.4: user "User", domain "Domain", password "Password", server challenge 0123456789abcdef,
// client challenge aa×8, time 0, target info NbDomainName "Domain" + NbComputerName "Server".
const SERVER_CHALLENGE = hex('0123456789abcdef');
const CLIENT_CHALLENGE = hex('aaaaaaaaaaaaaaaa');
const TARGET_INFO = hex('02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000');

test('MS-NLMP 4.2.4: NT hash, NTOWFv2, LMv2, NTProofStr, session key', () => {
  assert.is(ntHash('Password').toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852');
  const key = ntowfv2('Password', 'User', 'Domain');
  assert.is(key.toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
  assert.is(lmv2Response(key, SERVER_CHALLENGE, CLIENT_CHALLENGE).toString('hex'), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  const blob = ntlmv2Blob(Buffer.alloc(8), CLIENT_CHALLENGE, TARGET_INFO);
  const r = ntlmv2Response(key, SERVER_CHALLENGE, blob);
  assert.is(r.ntProofStr.toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
  assert.is(r.sessionBaseKey.toString('hex'), '8de40ccadbc14a82f15cb0ad0de95ca3');
  // EncryptedRandomSessionKey = RC4(KeyExchangeKey, RandomSessionKey 55×16)
  assert.is(rc4(r.sessionBaseKey, Buffer.alloc(16, 0x55)).toString('hex'), 'c5dad2544fc9799094ce1ce90bc9d03e');
});

test('MS-NLMP 4.2.4: the client builds the documented responses into its AUTHENTICATE message', () => {
  const type2 = encodeChallenge({ flags: Flags.UNICODE | Flags.NTLM | Flags.TARGET_INFO, targetName: 'Domain', serverChallenge: SERVER_CHALLENGE, targetInfo: TARGET_INFO });
  const type3 = type3Message(type2, { username: 'Domain\\User', password: 'Password' }, { clientChallenge: CLIENT_CHALLENGE, now: () => -11644473600000 });
  const auth = decodeAuthenticate(type3);
  assert.is(auth.user, 'User');
  assert.is(auth.domain, 'Domain');
  assert.is(auth.ntResponse.subarray(0, 16).toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
  assert.is(auth.lmResponse.toString('hex'), '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  assert.is(auth.mic, undefined);
});

test('with a server timestamp the client sends a MIC the server accepts, and rejects when tampered', () => {
  const dir = { accounts: [{ username: 'CORP\\agent', user: 'agent', domain: 'CORP', password: 'S3cret!', email: 'agent@corp.test', sendAs: new Set<string>(), sendOnBehalf: new Set<string>() }], tokens: new Map() };
  const acceptor = createNtlmAcceptor(dir, 'mail.corp.test');
  const socket = {} as never;
  const type2 = acceptor.negotiate(socket, Buffer.from(createType1(), 'base64'));
  const type3 = Buffer.from(createType3(type2, { username: 'CORP\\agent', password: 'S3cret!' }), 'base64');
  const auth = decodeAuthenticate(type3);
  assert.ok(auth.mic && !auth.mic.equals(Buffer.alloc(16)));
  assert.is(auth.lmResponse.toString('hex'), '0'.repeat(48));
  return (async () => {
    assert.is((await acceptor.authenticate(socket, type3))?.account.email, 'agent@corp.test');
    // the challenge is used up: the same Type3 again is refused
    assert.is(await acceptor.authenticate(socket, type3), undefined);
    const type2b = acceptor.negotiate(socket, Buffer.from(createType1(), 'base64'));
    const tampered = Buffer.from(createType3(type2b, { username: 'CORP\\agent', password: 'S3cret!' }), 'base64');
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    assert.is(await acceptor.authenticate(socket, tampered), undefined);
  })();
});

let sb: TestSandbox;
test.before(async () => { sb = await tempSandbox({ ntlm: createNtlmAcceptor }); });
test.after(async () => { await sb.cleanup(); });

function send(agent: Agent, authorization: string | undefined, body: string): Promise<{ status: number; header: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(sb.url, { method: 'POST', agent, ca: sb.caPem, headers: { 'content-type': 'text/xml', ...(authorization ? { authorization } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, header: String(res.headers['www-authenticate'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MESSAGE = soap(createItem('<t:Subject>ntlm</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>ops@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients>'));

async function handshake(password: string, username = 'SANDBOX\\notify'): Promise<{ agent: Agent; status: number; body: string }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const first = await send(agent, `NTLM ${createType1()}`, MESSAGE);
  assert.is(first.status, 401);
  const type2 = /NTLM ([A-Za-z0-9+/=]+)/.exec(first.header)?.[1];
  assert.ok(type2, 'a Type2 challenge');
  const second = await send(agent, `NTLM ${createType3(type2, { username, password })}`, MESSAGE);
  return { agent, status: second.status, body: second.body };
}

test('NTLM handshake on one connection, which then stays authenticated', async () => {
  const { agent, status, body } = await handshake('sandbox');
  assert.is(status, 200);
  assert.match(body, /NoError/);
  const again = await send(agent, undefined, MESSAGE);
  assert.is(again.status, 200);
  agent.destroy();
});

test('Negotiate is not taken when the sandbox does not offer it (the default: ntlm, basic, bearer)', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const first = await send(agent, `Negotiate ${createType1()}`, MESSAGE);
  assert.is(first.status, 401);
  assert.is(first.header, 'NTLM, Basic realm="sandbox.local", Bearer');
  agent.destroy();
});

test('NTLM with user@domain (a UPN) works too', async () => {
  const { agent, status } = await handshake('sandbox', 'notify@sandbox.test');
  assert.is(status, 200);
  agent.destroy();
});

test('NTLM with a wrong password is refused', async () => {
  const { agent, status } = await handshake('wrong');
  assert.is(status, 401);
  agent.destroy();
});

test('a Type3 on a connection that never got a Type2 is refused', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const type2 = createNtlmAcceptor({ accounts: [], tokens: new Map() }, 'elsewhere').negotiate({} as never, Buffer.from(createType1(), 'base64'));
  const r = await send(agent, `NTLM ${createType3(type2, { username: 'SANDBOX\\notify', password: 'sandbox' })}`, MESSAGE);
  assert.is(r.status, 401);
  assert.match(r.header, /NTLM/);
  agent.destroy();
});

test.run();
