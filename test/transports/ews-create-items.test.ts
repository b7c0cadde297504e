// The CreateItem request the transport writes itself validates against Microsoft's schema in every form it
// takes, and its reader gives each item's outcome as the library would: Error items carry their server
// code, BackOffMilliseconds and inner code; a Warning with ErrorBatchProcessingStopped was not processed
// (Microsoft's EWS Managed API: BatchProcessingStopped is a Warning with that code); an unreadable answer is a
// ProtocolError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { createItemsXml } from '../../agent/transports/ews/create-items-request.ts';
import { createItemsDeadlineMs } from '../../agent/transports/ews/create-items.ts';
import { readCreateItemsResponse } from '../../agent/transports/ews/response-messages.ts';
import { outgoing } from './helpers/mime.ts';
import { ewsSamplesDir, validateEnvelopes } from '../helpers/ews-schema.ts';

const samples = ewsSamplesDir;

const envelope = (messages: string) => '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
  + '<m:CreateItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">'
  + `<m:ResponseMessages>${messages}</m:ResponseMessages></m:CreateItemResponse></s:Body></s:Envelope>`;

test('requests for one and many messages, SendOnly and SendAndSaveCopy, with Bcc and escaped addresses, validate', async () => {
  const a = await outgoing({ from: 'a@contoso.test', to: ['b@contoso.test'], subject: '<t:Message> & co', text: 'x' });
  const b = { ...await outgoing({ from: 'a@contoso.test', to: ['b@contoso.test'], subject: 'bcc', text: 'y' }), bcc: ['c@contoso.test', "o'hara&sons@contoso.test"] };
  const bodies = [
    createItemsXml([a], 'Exchange2007_SP1', false),
    createItemsXml([a, b], 'Exchange2016', true),
    createItemsXml([b], 'Exchange2013_SP1', true),
  ];
  assert.match(bodies[1] ?? '', /o&apos;hara&amp;sons@contoso\.test/);
  assert.is((bodies[1]?.match(/<t:MimeContent/g) ?? []).length, 2);
  await validateEnvelopes(bodies);
});

test('each item in order: Success, Warning ErrorBatchProcessingStopped not sent, Error with code, BackOffMilliseconds, inner code', () => {
  const xml = envelope(
    '<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>'
    + '<m:CreateItemResponseMessage ResponseClass="Warning"><m:MessageText>w</m:MessageText><m:ResponseCode>ErrorBatchProcessingStopped</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>'
    + '<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>busy</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>'
    + '<m:MessageXml><t:Value Name="BackOffMilliseconds">2500</t:Value></m:MessageXml><m:Items/></m:CreateItemResponseMessage>'
    + '<m:CreateItemResponseMessage ResponseClass="Error"><m:ResponseCode>ErrorInvalidRecipients</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>'
    + '<m:CreateItemResponseMessage ResponseClass="Error"><m:ResponseCode>ErrorInternalServerError</m:ResponseCode><m:MessageXml><t:Value Name="InnerErrorMessageText">busy</t:Value>'
    + '<t:Value Name="InnerErrorResponseCode">ErrorServerBusy</t:Value></m:MessageXml><m:Items/></m:CreateItemResponseMessage>'
    + '<m:CreateItemResponseMessage ResponseClass="Warning"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage>');
  assert.equal(readCreateItemsResponse(xml, 'h'), [{}, { serverCode: 'ErrorBatchProcessingStopped' }, { serverCode: 'ErrorServerBusy', backoffMs: 2500 },
    { serverCode: 'ErrorInvalidRecipients' }, { serverCode: 'ErrorInternalServerError', innerCode: 'ErrorServerBusy' }, {}]);
});

test('the captured Exchange answers read as the library reads them', async () => {
  assert.equal(readCreateItemsResponse(await readFile(path.join(samples, 'resp-success.xml'), 'utf8'), 'h'), [{}]);
  assert.equal(readCreateItemsResponse(await readFile(path.join(samples, 'resp-sendasdenied.xml'), 'utf8'), 'h'), [{ serverCode: 'ErrorSendAsDenied' }]);
});

test('an answer that is not well-formed XML is a ProtocolError naming the host', () => {
  const error = (() => { try { readCreateItemsResponse(envelope('<m:CreateItemResponseMessage ResponseClass="Success">'), 'mail.contoso.test'); } catch (e) { return e; } return undefined; })();
  assert.ok(error instanceof AgentError);
  assert.is(error.code, 'ProtocolError');
  assert.match(error.message, /mail\.contoso\.test/);
});

test('a batch never gives up before Exchange\'s one-minute batch limit: its deadline is the request timeout plus a minute', () => {
  assert.is(createItemsDeadlineMs(30_000, 50), 90_000);
  assert.is(createItemsDeadlineMs(1_500, 2), 61_500);
  assert.is(createItemsDeadlineMs(30_000, 1), 30_000, 'one message is not a batch');
});

test.run();
