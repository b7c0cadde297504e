// The judgement of raw EWS responses and server builds (pure functions; the sandbox tests cover the wire).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ewsSamplesDir } from '../helpers/ews-schema.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'node:net';
import { classifyResponse } from '../../agent/transports/ews/faults.ts';
import { versionForBuild } from '../../agent/transports/ews/versions.ts';

const samples = ewsSamplesDir;
const response = (status: number, body: string, headers: Record<string, string> = {}) =>
  ({ status, headers, body: Buffer.from(body), socket: undefined as unknown as Socket });

test('a SOAP 200 goes to the library; a 200 that is not SOAP is a ProtocolError', async () => {
  const ok = await readFile(path.join(samples, 'resp-success.xml'), 'utf8');
  assert.is(classifyResponse(response(200, ok), 'h'), undefined);
  assert.is(classifyResponse(response(200, ok.slice(0, ok.length - 20)), 'h')?.code, 'ProtocolError');
  assert.is(classifyResponse(response(200, '<html>hi</html>'), 'h')?.code, 'ProtocolError');
});

test('status codes: 401 AuthFailed, 503 and 429 ServerBusy with Retry-After in seconds or as a date, HTML 500 ServerError', () => {
  const auth = classifyResponse(response(401, ''), 'h');
  assert.equal([auth?.code, auth?.transient], ['AuthFailed', false]);
  const busy = classifyResponse(response(503, 'down', { 'retry-after': '7' }), 'h');
  assert.equal([busy?.code, busy?.transient, busy?.backoffMs], ['ServerBusy', true, 7000]);
  const date = classifyResponse(response(429, '', { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }), 'h');
  assert.is(date?.code, 'ServerBusy');
  assert.ok((date?.backoffMs ?? 0) > 28_000 && (date?.backoffMs ?? 0) <= 30_000, String(date?.backoffMs));
  assert.is(classifyResponse(response(503, '', { 'retry-after': 'soon' }), 'h')?.backoffMs, undefined);
  assert.is(classifyResponse(response(503, '', { 'retry-after': new Date(Date.now() - 5000).toUTCString() }), 'h')?.backoffMs, 0);
  const html = classifyResponse(response(500, '<html><body>Runtime Error</body></html>'), 'h');
  assert.equal([html?.code, html?.transient], ['ServerError', true]);
  assert.is(classifyResponse(response(404, ''), 'h')?.code, 'ServerError');
});

test('SOAP faults: ErrorServerBusy carries BackOffMilliseconds; ErrorInvalidServerVersion is permanent', () => {
  const fault = (code: string, extra = '') => '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
    + `<faultcode>a:${code}</faultcode><detail><e:ResponseCode xmlns:e="x">${code}</e:ResponseCode>${extra}</detail></s:Fault></s:Body></s:Envelope>`;
  const busy = classifyResponse(response(500, fault('ErrorServerBusy', '<t:MessageXml><t:Value Name="BackOffMilliseconds">2500</t:Value></t:MessageXml>')), 'h');
  assert.equal([busy?.code, busy?.transient, busy?.backoffMs, busy?.serverCode], ['ServerBusy', true, 2500, 'ErrorServerBusy']);
  const version = classifyResponse(response(500, fault('ErrorInvalidServerVersion')), 'h');
  assert.equal([version?.code, version?.transient], ['InvalidServerVersion', false]);
});

test('every throttling answer is ServerBusy; a mailbox on an older server steps the version down; an unknown code on a whole request is transient', () => {
  const fault = (code: string, extra = '') => '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
    + `<faultcode>a:${code}</faultcode><detail><e:ResponseCode xmlns:e="x">${code}</e:ResponseCode>${extra}</detail></s:Fault></s:Body></s:Envelope>`;
  for (const code of ['ErrorExceededConnectionCount', 'ErrorTooManyObjectsOpened', 'ErrorInternalServerTransientError']) {
    const e = classifyResponse(response(500, fault(code)), 'h');
    assert.equal([e?.code, e?.transient, e?.serverCode], ['ServerBusy', true, code], code);
  }
  const wrapped = classifyResponse(response(500, fault('ErrorInternalServerError', '<t:MessageXml><t:Value Name="InnerErrorResponseCode">ErrorServerBusy</t:Value></t:MessageXml>')), 'h');
  assert.equal([wrapped?.code, wrapped?.transient, wrapped?.serverCode], ['ServerBusy', true, 'ErrorServerBusy']);
  const mailbox = classifyResponse(response(500, fault('ErrorInvalidSchemaVersionForMailboxVersion')), 'h');
  assert.is(mailbox?.code, 'InvalidServerVersion');
  const unknown = classifyResponse(response(500, fault('ErrorSomethingNew')), 'h');
  assert.equal([unknown?.code, unknown?.transient], ['ServerError', true]);
  const schema = classifyResponse(response(500, fault('ErrorSchemaValidation')), 'h');
  assert.equal([schema?.code, schema?.transient], ['MessageInvalid', false]);
});

test('builds map to versions as exchangelib maps them', () => {
  const v = (major: number, minor: number, build = 0) => versionForBuild({ major, minor, build, revision: 0 });
  assert.equal([v(8, 3), v(14, 0), v(14, 1), v(14, 2), v(14, 3)], ['Exchange2007_SP1', 'Exchange2010', 'Exchange2010_SP1', 'Exchange2010_SP2', 'Exchange2010_SP2']);
  assert.equal([v(15, 0, 846), v(15, 0, 847), v(15, 1), v(15, 2), v(15, 20)], ['Exchange2013', 'Exchange2013_SP1', 'Exchange2016', 'Exchange2016', 'Exchange2016']);
  assert.is(v(8, 0), undefined);
});

test.run();
