// How the SMTP transport reads a server's reply (agent/transports/smtp/errors.ts): the reason by the enhanced
// code (Exchange's among them), transient or permanent by the reply's class, and "after the final '.'" for a
// connection lost once the message went out. The errors are shaped as nodemailer's SMTPConnection makes them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { smtpError, type SmtpClientError } from '../../agent/transports/smtp/errors.ts';

const replied = (response: string, command = 'DATA'): SmtpClientError =>
  Object.assign(new Error(`failed: ${response}`), { code: 'EENVELOPE', response, responseCode: Number(response.slice(0, 3)), command });

const cases: [string, string, boolean, string][] = [
  ['535 5.7.3 Authentication unsuccessful', 'AuthFailed', false, '535 5.7.3'],
  ['535 5.7.8 Error: authentication failed', 'AuthFailed', false, '535 5.7.8'],
  ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.', 'SmtpAuthDisabled', false, '535 5.7.139'],
  ['550 5.7.30 Basic authentication is not supported for Client Submission.', 'SmtpAuthDisabled', false, '550 5.7.30'],
  ['530 5.7.57 Client not authenticated to send mail.', 'AuthRequired', false, '530 5.7.57'],
  ['530 5.7.0 Must issue a STARTTLS command first', 'AuthRequired', false, '530 5.7.0'],
  ['550 5.7.60 SMTP; Client does not have permissions to send as this sender', 'SendAsDenied', false, '550 5.7.60'],
  ['550 5.7.1 Client does not have permissions to send as this sender', 'SendAsDenied', false, '550 5.7.1'],
  ['554 5.7.1 <x@example.org>: Relay access denied', 'RelayDenied', false, '554 5.7.1'],
  ['554 5.7.1 Recipient rejected by policy', 'RelayDenied', false, '554 5.7.1'],
  ['550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', 'RelayDenied', false, '550 5.7.54'],
  ['550 5.7.64 TenantAttribution; Relay Access Denied', 'RelayDenied', false, '550 5.7.64'],
  ['552 5.3.4 Message size exceeds fixed maximum message size', 'MessageTooLarge', false, '552 5.3.4'],
  ['550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'RecipientRejected', false, '550 5.1.10'],
  ['421 4.3.2 Service not available', 'ServerBusy', true, '421 4.3.2'],
  ['451 4.7.500 Server busy. Please try again later', 'ServerBusy', true, '451 4.7.500'],
  ['554 5.6.0 Corrupt message content', 'ServerError', false, '554 5.6.0'],
];

for (const [response, code, transient, serverCode] of cases) {
  test(`"${response}" → ${code}, ${transient ? 'transient' : 'permanent'}`, () => {
    const err = smtpError(replied(response), 'smtp.contoso.com', 'after-data');
    assert.equal([err.code, err.transient, err.serverCode], [code, transient, serverCode]);
    assert.ok(err.message.includes(response), 'the server\'s own words are kept');
    assert.not.match(err.message, /sent again/, 'the server answered: the outcome is known');
  });
}

test('no reply: a lost connection before the final "." is just transient; after it, unknown and said to be sent again', () => {
  const lost = Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' });
  const before = smtpError(lost, 'smtp.contoso.com', 'envelope');
  assert.equal([before.code, before.transient], ['ConnectionFailed', true]);
  assert.not.match(before.message, /sent again/);
  const after = smtpError(lost, 'smtp.contoso.com', 'after-data');
  assert.equal([after.code, after.transient], ['ConnectionFailed', true]);
  assert.match(after.message, /SMTP cannot tell whether the server took it; it is sent again \(at least once\)/);
  const timeout = smtpError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }), 'smtp.contoso.com', 'after-data');
  assert.equal([timeout.code, timeout.transient], ['Timeout', true]);
  assert.match(timeout.message, /at least once/);
});

test('STARTTLS refused or not offered is a ProtocolError naming security; a TLS certificate failure is CertificateRejected', () => {
  assert.is(smtpError(replied('500 5.5.2 Error: command not recognized', 'STARTTLS'), 'h', 'session').code, 'ProtocolError');
  const cert = smtpError(Object.assign(new Error('x'), { code: 'ETLS', originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'h', 'session');
  assert.is(cert.code, 'CertificateRejected');
});

test.run();
