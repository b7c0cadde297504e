// Each setting's invalid forms: the issue's pointer, keyword, message, and the line and column
// (marked "§" in the text) where it is reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { header, loadText, marked, validEws } from './helpers.ts';

const ews = (lines: string) => `${header}service: ews\news:\n${lines}`;
const app = '  tenant: contoso.onmicrosoft.com\n  clientId: 11111111-2222-3333-4444-555555555555\n';
const graph = (lines: string) => `${header}service: graph\ngraph:\n${lines}`;
const appAt = app.replace('  tenant', '  §tenant');
const validGraph = (lines: string) => graph(`${app}  clientSecret: { env: S }\n  mailbox: notify@contoso.com\n${lines}`);
const withSection = (section: string) => `${validEws}${section}`;

interface Case { name: string; text: string; path: string; keyword: string; message: RegExp; reason?: string }

const cases: Case[] = [
  // document
  { name: 'apiVersion: wrong version', text: `apiVersion: §mail-agent/v2\nkind: MailSettings\nservice: mapi\nmapi: {}\n`,
    path: '/apiVersion', keyword: 'const', message: /^must be mail-agent\/v1$/ },
  { name: 'apiVersion: missing (at the mapping)', text: `§kind: MailSettings\nservice: mapi\nmapi: {}\n`,
    path: '/apiVersion', keyword: 'required', message: /missing required key "apiVersion"/ },
  { name: 'kind: wrong', text: `apiVersion: mail-agent/v1\nkind: §Settings\nservice: mapi\nmapi: {}\n`,
    path: '/kind', keyword: 'const', message: /must be MailSettings/ },
  { name: 'service: unknown', text: `${header}service: §sendmail\n`, path: '/service', keyword: 'enum', message: /must be one of: ews, mapi, graph, smtp$/ },
  { name: 'service: wrong case, suggested', text: `${header}service: §EWS\n`, path: '/service', keyword: 'enum', message: /did you mean "ews"\?/ },
  { name: 'service: ews without ews', text: `§${header}service: ews\n`, path: '/ews', keyword: 'required', message: /missing required key "ews" \(needed with service: ews\)/ },
  { name: 'service: mapi without mapi', text: `§${header}service: mapi\n`, path: '/mapi', keyword: 'required', message: /needed with service: mapi/ },
  { name: 'top level: a list', text: `§- apiVersion: mail-agent/v1\n`, path: '', keyword: 'type', message: /must be a mapping/ },
  { name: 'top level: misspelt key', text: `${validEws}§mesage: {}\n`, path: '/mesage', keyword: 'additionalProperties', message: /unknown key "mesage"; did you mean "message"\?/ },
  { name: 'top level: unrelated key', text: `${validEws}§sendmail: {}\n`, path: '', keyword: 'additionalProperties', message: /unknown key; expected one of: apiVersion, kind, service, message, ews, mapi, graph, smtp, test, submission$/ },
  // message
  { name: 'message: not a mapping', text: withSection('message: §plain\n'), path: '/message', keyword: 'type', message: /must be a mapping/ },
  { name: 'message.from: display name', text: withSection('message:\n  from: §Helpdesk <helpdesk@contoso.com>\n'), path: '/message/from', keyword: 'format', message: /must be an e-mail address/ },
  { name: 'message.from: header injection', text: withSection('message:\n  from: §"helpdesk@contoso.com\\r\\nBcc: x@evil.test"\n'), path: '/message/from', keyword: 'format', message: /e-mail address/ },
  { name: 'message.charset: unknown', text: withSection('message:\n  charset: §utf-9\n'), path: '/message/charset', keyword: 'charset', message: /not a character set/, reason: 'SemanticViolation' },
  { name: 'message.charset: a number', text: withSection('message:\n  charset: §8\n'), path: '/message/charset', keyword: 'type', message: /must be a string/ },
  { name: 'message.charset: empty', text: withSection('message:\n  charset: §""\n'), path: '/message/charset', keyword: 'minLength', message: /must not be empty/ },
  { name: 'message.plainText: yes', text: withSection('message:\n  plainText: §yes\n'), path: '/message/plainText', keyword: 'type', message: /must be true or false/ },
  { name: 'message.attachmentLimitMB: zero', text: withSection('message:\n  attachmentLimitMB: §0\n'), path: '/message/attachmentLimitMB', keyword: 'exclusiveMinimum', message: /must be greater than 0/ },
  { name: 'message.attachmentLimitMB: with unit', text: withSection('message:\n  attachmentLimitMB: §10MB\n'), path: '/message/attachmentLimitMB', keyword: 'type', message: /must be a number/ },
  { name: 'message.fromDelegation: 1', text: withSection('message:\n  fromDelegation: §1\n'), path: '/message/fromDelegation', keyword: 'type', message: /true or false/ },
  { name: 'message: misspelt key', text: withSection('message:\n  §charSet: utf-8\n'), path: '/message/charSet', keyword: 'additionalProperties', message: /did you mean "charset"\?/ },
  // ews endpoint
  { name: 'ews.url: ftp', text: ews('  url: §ftp://mail.contoso.com/EWS\n  username: u\n  password: p\n'), path: '/ews/url', keyword: 'pattern', message: /must be an https URL/ },
  { name: 'ews.url: not a URL', text: ews('  url: §mail.contoso.com\n  username: u\n  password: p\n'), path: '/ews/url', keyword: 'pattern', message: /must be an https URL/ },
  { name: 'ews.url: http without opt-in', text: ews('  url: §http://mail.contoso.com/EWS/Exchange.asmx\n  username: u\n  password: p\n'), path: '/ews/url', keyword: 'https', message: /allowInsecureHttp/, reason: 'SemanticViolation' },
  { name: 'ews.url: credentials in the URL', text: ews('  url: §https://svc:pw@mail.contoso.com/EWS/Exchange.asmx\n  username: u\n  password: p\n'), path: '/ews/url', keyword: 'credentials', message: /must not contain a user name or password/, reason: 'SemanticViolation' },
  { name: 'ews.server: a URL', text: ews('  server: §https://mail.contoso.com\n  username: u\n  password: p\n'), path: '/ews/server', keyword: 'pattern', message: /must be a host name/ },
  { name: 'ews.autodiscover: not an address', text: ews('  autodiscover: §contoso.com\n  username: u\n  password: p\n'), path: '/ews/autodiscover', keyword: 'format', message: /e-mail address/ },
  // autodiscover asks https://autodiscover.<domain> and https://<domain>: the domain must be a DNS name.
  { name: 'ews.autodiscover: an address literal', text: ews('  autodiscover: §svc@[127.0.0.1]\n  username: u\n  password: p\n'), path: '/ews/autodiscover', keyword: 'domain', message: /not an address literal/, reason: 'SemanticViolation' },
  { name: 'ews.autodiscover: an IPv6 literal', text: ews('  autodiscover: §"svc@[IPv6:::1]"\n  username: u\n  password: p\n'), path: '/ews/autodiscover', keyword: 'domain', message: /DNS domain such as contoso\.com/, reason: 'SemanticViolation' },
  { name: 'ews.autodiscover: a dotless domain', text: ews('  autodiscover: §svc@localhost\n  username: u\n  password: p\n'), path: '/ews/autodiscover', keyword: 'domain', message: /a name without a dot/, reason: 'SemanticViolation' },
  { name: 'ews.autodiscover: a domain no URL can hold', text: ews('  autodiscover: §svc@mail#1.contoso.com\n  username: u\n  password: p\n'), path: '/ews/autodiscover', keyword: 'domain', message: /DNS domain/, reason: 'SemanticViolation' },
  { name: 'ews: url and server', text: ews('  §url: https://a.contoso.com/EWS/Exchange.asmx\n  server: b.contoso.com\n  username: u\n  password: p\n'), path: '/ews', keyword: 'oneOf', message: /exactly one of url, server or autodiscover/ },
  { name: 'ews: no endpoint', text: ews('  §username: u\n  password: p\n'), path: '/ews', keyword: 'oneOf', message: /exactly one of url, server or autodiscover/ },
  { name: 'ews.url: no value (at the key)', text: ews('  §url:\n  username: u\n  password: p\n'), path: '/ews/url', keyword: 'type', message: /^has no value; must be an https URL/ },
  { name: 'ews: no value (at the key)', text: `${header}service: ews\n§ews:\n`, path: '/ews', keyword: 'type', message: /^has no value; must be a mapping$/ },
  { name: 'ews: not a mapping', text: `${header}service: ews\news: §mail.contoso.com\n`, path: '/ews', keyword: 'type', message: /must be a mapping/ },
  // ews account
  { name: 'ews.username: empty', text: ews('  server: x.contoso.com\n  username: §""\n  password: p\n'), path: '/ews/username', keyword: 'minLength', message: /must not be empty/ },
  { name: 'ews.username: control character', text: ews('  server: x.contoso.com\n  username: §"a\\tb"\n  password: p\n'), path: '/ews/username', keyword: 'pattern', message: /without control characters/ },
  { name: 'ews.username: missing with ntlm', text: ews('  §server: x.contoso.com\n  password: p\n'), path: '/ews/username', keyword: 'required', message: /needed with auth: ntlm or basic/ },
  { name: 'ews.password: missing with basic', text: ews('  §server: x.contoso.com\n  username: u\n  auth: basic\n'), path: '/ews/password', keyword: 'required', message: /missing required key "password"/ },
  { name: 'ews.password: misspelt reference', text: ews('  server: x.contoso.com\n  username: u\n  password: { §fil: /run/pw }\n'), path: '/ews/password/fil', keyword: 'additionalProperties', message: /did you mean "file"\?/ },
  { name: 'ews.password: file and env', text: ews('  server: x.contoso.com\n  username: u\n  password: §{ file: /run/pw, env: PW }\n'), path: '/ews/password', keyword: 'maxProperties', message: /exactly one of file or env/ },
  { name: 'ews.password: empty reference', text: ews('  server: x.contoso.com\n  username: u\n  password: §{}\n'), path: '/ews/password', keyword: 'minProperties', message: /exactly one of file or env/ },
  { name: 'ews.password: a number', text: ews('  server: x.contoso.com\n  username: u\n  password: §1234\n'), path: '/ews/password', keyword: 'type', message: /must be \{ file: PATH \}, \{ env: NAME \} or a non-empty string/ },
  { name: 'ews.password: bad variable name', text: ews('  server: x.contoso.com\n  username: u\n  password: { env: §1-PW }\n'), path: '/ews/password/env', keyword: 'pattern', message: /environment variable name/ },
  { name: 'ews.password: with oauth', text: ews('  server: x.contoso.com\n  auth: oauth\n  token: { env: TOKEN }\n  password: §{ env: PW }\n'), path: '/ews/password', keyword: 'not', message: /not used with auth: oauth/ },
  { name: 'ews.token: missing with oauth', text: ews('  §server: x.contoso.com\n  auth: oauth\n'), path: '/ews/token', keyword: 'required', message: /missing required key "token" \(needed with auth: oauth, unless tenant and clientId with a clientSecret or certificate are given\)/ },
  { name: 'ews.token: with ntlm', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  token: §{ env: TOKEN }\n'), path: '/ews/token', keyword: 'not', message: /only used with auth: oauth/ },
  { name: 'ews.auth: unknown', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  auth: §kerberos\n'), path: '/ews/auth', keyword: 'enum', message: /must be one of: ntlm, basic, oauth$/ },
  { name: 'ews.auth: wrong case', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  auth: §NTLM\n'), path: '/ews/auth', keyword: 'enum', message: /did you mean "ntlm"\?/ },
  { name: 'ews.version: unknown', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  version: §Exchange2019\n'), path: '/ews/version', keyword: 'enum', message: /must be one of: auto, Exchange2007_SP1/ },
  { name: 'ews.rejectInvalidCertificates: no', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  rejectInvalidCertificates: §"no"\n'), path: '/ews/rejectInvalidCertificates', keyword: 'type', message: /true or false/ },
  { name: 'ews.caFile: empty', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  caFile: §""\n'), path: '/ews/caFile', keyword: 'minLength', message: /must not be empty/ },
  { name: 'ews.allowInsecureHttp: string', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  allowInsecureHttp: §"true"\n'), path: '/ews/allowInsecureHttp', keyword: 'type', message: /true or false/ },
  { name: 'ews.saveCopy: null', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  saveCopy: §null\n'), path: '/ews/saveCopy', keyword: 'type', message: /true or false/ },
  { name: 'ews: misspelt key', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  §savecopy: true\n'), path: '/ews/savecopy', keyword: 'additionalProperties', message: /did you mean "saveCopy"\?/ },
  // ews with app-only OAuth
  { name: 'ews: tenant without a credential', text: ews(`  §server: x.contoso.com\n  auth: oauth\n  username: n@contoso.com\n${app}`), path: '/ews', keyword: 'oneOf', message: /^give exactly one of clientSecret or certificate$/ },
  { name: 'ews: clientSecret without tenant', text: ews('  §server: x.contoso.com\n  auth: oauth\n  clientSecret: { env: S }\n'), path: '/ews/tenant', keyword: 'required', message: /missing required key "tenant" \(needed to sign in as the app\)/ },
  { name: 'ews: token and a tenant', text: ews(`  server: x.contoso.com\n  auth: oauth\n  token: { env: T }\n  tenant: §contoso.onmicrosoft.com\n`), path: '/ews/tenant', keyword: 'not', message: /not used with a static token/ },
  { name: 'ews: clientId with ntlm', text: ews('  server: x.contoso.com\n  username: u\n  password: p\n  clientId: §11111111-2222-3333-4444-555555555555\n'), path: '/ews/clientId', keyword: 'not', message: /^is only used with auth: oauth$/ },
  { name: 'ews: client credentials without the mailbox', text: ews(`  §server: x.contoso.com\n  auth: oauth\n${app}  clientSecret: { env: S }\n`), path: '/ews/username', keyword: 'required', message: /needed with app-only OAuth: the mailbox to act as/ },
  { name: 'ews: client credentials, username not an address', text: ews(`  server: x.contoso.com\n  auth: oauth\n  username: §CONTOSO\\notify\n${app}  clientSecret: { env: S }\n`), path: '/ews/username', keyword: 'mailbox', message: /must be the address of the mailbox the app acts as/, reason: 'SemanticViolation' },
  { name: 'ews: misspelt tenant with oauth', text: ews(`  server: x.contoso.com\n  auth: oauth\n  username: n@contoso.com\n  §tennant: contoso.com\n  clientId: 11111111-2222-3333-4444-555555555555\n  clientSecret: { env: S }\n`), path: '/ews/tennant', keyword: 'additionalProperties', message: /did you mean "tenant"\?/ },
  // graph
  { name: 'service: graph without graph', text: `§${header}service: graph\n`, path: '/graph', keyword: 'required', message: /needed with service: graph/ },
  { name: 'graph.mailbox: missing', text: graph(`${appAt}  clientSecret: { env: S }\n`), path: '/graph/mailbox', keyword: 'required', message: /missing required key "mailbox"/ },
  { name: 'graph.mailbox: neither address nor id', text: validGraph('').replace('mailbox: notify@contoso.com', 'mailbox: §notify'), path: '/graph/mailbox', keyword: 'anyOf', message: /address \(user principal name\).*object id/ },
  { name: 'graph.tenant: common', text: validGraph('').replace('tenant: contoso.onmicrosoft.com', 'tenant: §common'), path: '/graph/tenant', keyword: 'pattern', message: /must be a tenant id \(a GUID\) or a domain/ },
  { name: 'graph.clientId: the secret id shape is fine, a name is not', text: validGraph('').replace('clientId: 11111111-2222-3333-4444-555555555555', 'clientId: §notify-app'), path: '/graph/clientId', keyword: 'pattern', message: /application \(client\) id, a GUID/ },
  { name: 'graph: secret and certificate', text: graph(`${appAt}  clientSecret: { env: S }\n  certificate: { file: app.pem }\n  mailbox: n@contoso.com\n`), path: '/graph', keyword: 'oneOf', message: /^give exactly one of clientSecret or certificate$/ },
  { name: 'graph: no credential', text: graph(`${appAt}  mailbox: n@contoso.com\n`), path: '/graph', keyword: 'oneOf', message: /exactly one of clientSecret or certificate/ },
  { name: 'graph.clientSecret: file and env', text: validGraph('').replace('clientSecret: { env: S }', 'clientSecret: §{ env: S, file: s }'), path: '/graph/clientSecret', keyword: 'maxProperties', message: /exactly one of file or env/ },
  { name: 'graph.certificate: no file', text: graph(`${app}  certificate: §{ keyFile: app-key.pem }\n  mailbox: n@contoso.com\n`), path: '/graph/certificate/file', keyword: 'required', message: /missing required key "file"/ },
  { name: 'graph.certificate: misspelt keyFile', text: graph(`${app}  certificate: { file: app.pem, §keyfile: k.pem }\n  mailbox: n@contoso.com\n`), path: '/graph/certificate/keyfile', keyword: 'additionalProperties', message: /did you mean "keyFile"\?/ },
  { name: 'graph.cloud: unknown', text: validGraph('  cloud: §gcc\n'), path: '/graph/cloud', keyword: 'enum', message: /must be one of: global, usgov, usgovdod, china$/ },
  { name: 'graph.graphHost: a URL', text: validGraph('  graphHost: §https://graph.microsoft.com\n'), path: '/graph/graphHost', keyword: 'pattern', message: /must be a host name, optionally with :port, such as graph.microsoft.com/ },
  { name: 'graph.authorityHost: a URL', text: validGraph('  authorityHost: §https://login.microsoftonline.com/x\n'), path: '/graph/authorityHost', keyword: 'pattern', message: /login.microsoftonline.com/ },
  { name: 'graph.saveCopy: yes', text: validGraph('  saveCopy: §yes\n'), path: '/graph/saveCopy', keyword: 'type', message: /true or false/ },
  { name: 'graph: misspelt key', text: validGraph('  §mailBox: x@contoso.com\n'), path: '/graph/mailBox', keyword: 'additionalProperties', message: /did you mean "mailbox"\?/ },
  { name: 'graph: an EWS key', text: validGraph('  §username: x\n'), path: '/graph', keyword: 'additionalProperties', message: /unknown key; expected one of: mailbox, cloud, saveCopy, rejectInvalidCertificates, caFile, graphHost, tenant, clientId, clientSecret, certificate, authorityHost$/ },
  // mapi
  { name: 'mapi.profile: empty', text: `${header}service: mapi\nmapi:\n  profile: §""\n`, path: '/mapi/profile', keyword: 'minLength', message: /must not be empty/ },
  { name: 'mapi.profile: a list', text: `${header}service: mapi\nmapi:\n  profile: §[a, b]\n`, path: '/mapi/profile', keyword: 'type', message: /must be a string/ },
  { name: 'mapi: misspelt key', text: `${header}service: mapi\nmapi:\n  §profil: default\n`, path: '/mapi/profil', keyword: 'additionalProperties', message: /did you mean "profile"\?/ },
  // test
  { name: 'test.to: not an address', text: withSection('test:\n  to: §ops\n'), path: '/test/to', keyword: 'format', message: /e-mail address/ },
  { name: 'test.onChange: always', text: withSection('test:\n  onChange: §always\n'), path: '/test/onChange', keyword: 'type', message: /true or false/ },
  { name: 'test: unknown key', text: withSection('test:\n  §cc: ops@contoso.com\n'), path: '/test', keyword: 'additionalProperties', message: /unknown key; expected one of: to, onChange/ },
];

for (const c of cases) {
  test(c.name, async () => {
    const { text, line, column } = marked(c.text);
    const result = await loadText(text);
    if (result.ok) throw new Error('expected the file to be refused');
    assert.is(result.reason, c.reason ?? 'SchemaViolation');
    const issue = result.issues.find((i) => i.path === c.path && i.keyword === c.keyword);
    if (!issue) throw new Error(`no ${c.keyword} issue at ${c.path}: ${JSON.stringify(result.issues)}`);
    assert.match(issue.message, c.message);
    assert.equal([issue.line, issue.column], [line, column], `position of ${c.path}`);
    assert.ok(issue.file.endsWith('mail-settings.yaml'));
  });
}

test('every problem in a file is reported at once, in line order', async () => {
  const result = await loadText(`${header}service: ews\news:\n  url: ftp://x\n  username: u\n  password: p\n  auth: nope\nmessage:\n  charset: utf-9\ntest:\n  to: ops\n`);
  if (result.ok) throw new Error('expected the file to be refused');
  assert.equal(result.issues.map((i) => [i.path, i.line]), [['/ews/url', 5], ['/ews/auth', 8], ['/message/charset', 10], ['/test/to', 12]]);
});

test.run();
