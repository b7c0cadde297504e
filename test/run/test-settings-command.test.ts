// `mail-agent test`: the one-shot Test Settings against the real sandbox.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rig, type Rig } from './helpers/e2e.ts';

let r: Rig;
test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

test('prints each step and the server\'s answer; the message reaches the given address', async () => {
  await r.write();
  const res = await r.shipped(['test', '--config', r.settings, '--to', 'desk@contoso.test']);
  assert.is(res.code, 0, res.out + res.err);
  assert.match(res.out, /^load: ok/m);
  assert.match(res.out, /^verify: ok .* ews https:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx auth ntlm.*Exchange2016/m);
  assert.match(res.out, /^send: ok .* accepted by the server, Message-ID <[^>]+>/m);
  const deliveries = await r.sandbox.deliveries();
  assert.is(deliveries.length, 1);
  assert.equal(deliveries[0]!.to, ['desk@contoso.test']);
});

test('certificate checks off: verify passes against the self-signed sandbox, and a warning line says they are off', async () => {
  await r.write({ caFile: false, ews: '  rejectInvalidCertificates: false\n' });
  const res = await r.shipped(['test', '--config', r.settings, '--to', 'desk@contoso.test']);
  assert.is(res.code, 0, res.out + res.err);
  assert.match(res.out, /^load: ok.*\nwarning: .+mail-settings\.yaml:\d+:\d+: InsecureTransport: server certificates are not verified: .+ \[\/ews\/rejectInvalidCertificates\]\nverify: ok/m);
  await r.write();
  const secure = await r.shipped(['test', '--config', r.settings, '--to', 'desk@contoso.test']);
  assert.is(secure.code, 0, secure.out + secure.err);
  assert.not.match(secure.out, 'warning:');
});

test('a wrong password fails at verify with the server\'s reason', async () => {
  await r.write({ passwordFile: 'wrong-password' });
  const res = await r.shipped(['test', '--config', r.settings, '--to', 'desk@contoso.test']);
  assert.is(res.code, 1);
  assert.match(res.out, /^verify: FAILED .* AuthFailed/m);
  assert.not.match(res.out, 'not-the-password');
});

test('an invalid file fails at load with line and column; missing flags are a usage error', async () => {
  await r.write({ extra: 'colour: blue\n' });
  const res = await r.shipped(['test', '--config', r.settings, '--to', 'desk@contoso.test']);
  assert.is(res.code, 1);
  assert.match(res.out, /^load: FAILED — SchemaViolation\n {2}.+mail-settings\.yaml:\d+:\d+: /m);
  assert.is((await r.shipped(['test', '--config', r.settings])).code, 64);
});

test('version: auto against an Exchange 2010 SP2 server detects Exchange2010_SP2', async () => {
  const old = await rig({ version: 'Exchange2010_SP2' });
  try {
    await old.write();
    const res = await old.shipped(['test', '--config', old.settings, '--to', 'desk@contoso.test']);
    assert.is(res.code, 0, res.out + res.err);
    assert.match(res.out, /^verify: ok .*Exchange2010_SP2 \(build 14\.3\./m);
  } finally {
    await old.cleanup();
  }
});

test.run();
