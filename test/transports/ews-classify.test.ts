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

test('status codes: 401 AuthFailed, 503 ServerUnavailable with Retry-After, HTML 500 ServerError', () => {
  const auth = classifyResponse(response(401, ''), 'h');
  assert.equal([auth?.code, auth?.transient], ['AuthFailed', false]);
  const busy = classifyResponse(response(503, 'down', { 'retry-after': '7' }), 'h');
  assert.equal([busy?.code, busy?.transient, busy?.backoffMs], ['ServerUnavailable', true, 7000]);
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

test('builds map to versions as exchangelib maps them', () => {
  const v = (major: number, minor: number, build = 0) => versionForBuild({ major, minor, build, revision: 0 });
  assert.equal([v(8, 3), v(14, 0), v(14, 1), v(14, 2), v(14, 3)], ['Exchange2007_SP1', 'Exchange2010', 'Exchange2010_SP1', 'Exchange2010_SP2', 'Exchange2010_SP2']);
  assert.equal([v(15, 0, 846), v(15, 0, 847), v(15, 1), v(15, 2), v(15, 20)], ['Exchange2013', 'Exchange2013_SP1', 'Exchange2016', 'Exchange2016', 'Exchange2016']);
  assert.is(v(8, 0), undefined);
});

test.run();
