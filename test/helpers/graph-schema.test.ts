// The Graph checker itself: Microsoft's samples pass, each neg-* sample fails for its reason (the same
// verdicts the shared reference `validate` gives; see test/fixtures/graph-schema/SOURCE.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkGraphBody, graphSamplesDir, type GraphKind } from './graph-schema.ts';

const kindOf: Record<string, GraphKind> = {
  createuploadsession: 'createUploadSession', error: 'error', messages: 'messages', mime: 'mime', attachment: 'attachment',
  sendmail: 'sendMail', token: 'token', uploadsession: 'uploadSession',
};

const samples = readdirSync(graphSamplesDir).sort();

test('every good sample passes', () => {
  const good = samples.filter((f) => !f.startsWith('neg-'));
  assert.ok(good.length >= 7);
  for (const file of good) {
    const kind = kindOf[file.split('-')[0] ?? ''];
    assert.ok(kind, file);
    assert.equal(checkGraphBody(kind, readFileSync(path.join(graphSamplesDir, file), 'utf8')), [], file);
  }
});

const expected: Record<string, RegExp> = {
  'neg-attachment-no-type.json': /an attachment needs "@odata\.type"/,
  'neg-mime-norcpt.txt': /names no recipient|no header fields/,
  'neg-sendmail-bytes.json': /\$\.message\.attachments\[0\]\.contentBytes: "not base64!" is not a valid Edm\.Binary/,
  'neg-sendmail-contenttype.json': /\$\.message\.body\.contentType: "markdown" is no member of microsoft\.graph\.bodyType/,
  'neg-sendmail-typo.json': /\$\.message\.toRecipient: Property 'toRecipient' does not exist on type 'microsoft\.graph\.message'/,
};

test('every neg-* sample fails, for its reason', () => {
  const neg = samples.filter((f) => f.startsWith('neg-'));
  assert.equal(neg, Object.keys(expected).sort());
  for (const file of neg) {
    const kind = kindOf[file.split('-')[1] ?? ''];
    assert.ok(kind, file);
    const errs = checkGraphBody(kind, readFileSync(path.join(graphSamplesDir, file), 'utf8'));
    assert.ok(errs.some((e) => expected[file]?.test(e)), `${file}: ${errs.join('; ')}`);
  }
});

test('a derived @odata.type, the case of enum members, annotations, nulls', () => {
  assert.equal(checkGraphBody('message', { '@odata.etag': 'W/"1"', body: { contentType: 'html', content: '<b>x</b>' }, importance: 'High', flag: null }), []);
  assert.match(checkGraphBody('message', { isDraft: 'yes' })[0] ?? '', /isDraft: "yes" is not a valid Edm\.Boolean/);
  assert.match(checkGraphBody('attachment', { '@odata.type': '#microsoft.graph.message' })[0] ?? '', /does not derive from microsoft\.graph\.attachment/);
  assert.match(checkGraphBody('attachment', { '@odata.type': '#microsoft.graph.fileAttachment', isInline: null })[0] ?? '', /Nullable=false/);
  assert.match(checkGraphBody('sendMail', { saveToSentItems: false })[0] ?? '', /required parameter message is missing/);
});

test.run();
