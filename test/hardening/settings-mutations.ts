// Malformed settings files for the hardening suite: mutations of a valid file (byte flips, truncations,
// type swaps, deep nesting, huge scalars, anchors and aliases, Unicode, BOM, CRLF, NUL) and random YAML.
// Each case plants its own literal password, so a leak is traced to the case that caused it.
import fc from 'fast-check';
import { stringify } from 'yaml';

export interface SettingsCase {
  kind: string;
  password: string;
  bytes: Buffer;
}

/** The run's seed: HARDEN_SEED replays a run; otherwise a new one, printed by the tests. */
export const hardeningSeed = Number(process.env.HARDEN_SEED ?? (Date.now() % 2_147_483_647));

/** A valid file holding a literal password (allowed, warned about). */
export function validSettings(password: string, url = 'https://mail.contoso.com/EWS/Exchange.asmx'): string {
  return `apiVersion: mail-agent/v1
kind: MailSettings
service: ews
message:
  from: helpdesk@contoso.com
  charset: utf-8
  plainText: false
  attachmentLimitMB: 10
ews:
  url: ${url}
  username: CONTOSO\\svc-notify
  password: ${password}
  auth: ntlm
  version: auto
test:
  to: ops@contoso.com
`;
}

// A password alphabet no YAML punctuation and no schema word can produce: 'Pw' + 12 alphanumerics.
const passwordArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'), minLength: 12, maxLength: 12 })
  .map((s) => `Pw${s}`);

/** Where a file can be cut: each class of position in a YAML line. */
const cutClasses = ['line-start', 'in-indent', 'in-key', 'before-colon', 'after-colon', 'in-value', 'in-password', 'before-newline', 'anywhere'] as const;

function cutPoints(text: string, password: string, cls: (typeof cutClasses)[number]): number[] {
  const points: number[] = [];
  const lines = text.split('\n');
  let at = 0;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const indent = line.length - line.trimStart().length;
    if (cls === 'line-start') points.push(at);
    if (cls === 'in-indent' && indent > 1) points.push(at + 1);
    if (cls === 'in-key' && colon > indent + 1) points.push(at + indent + 1);
    if (cls === 'before-colon' && colon > 0) points.push(at + colon);
    if (cls === 'after-colon' && colon > 0) points.push(at + colon + 1);
    if (cls === 'in-value' && colon > 0 && line.length > colon + 3) points.push(at + colon + 3);
    if (cls === 'before-newline') points.push(at + line.length);
    at += line.length + 1;
  }
  if (cls === 'in-password') { const p = text.indexOf(password); for (let i = 1; i < password.length; i++) points.push(p + i); }
  if (cls === 'anywhere') for (let i = 0; i < text.length; i++) points.push(i);
  return points.length > 0 ? points : [0];
}

const scalarSwaps = ['[]', '{}', '~', 'null', 'true', '0', '-1', '1.5e308', '.nan', '.inf', '"x"', '[a, [b]]', '{a: {b: c}}', '!!binary aGk=', '!!timestamp 2001-12-14', '0x1F', '0o17', '"\\u0000"', '|\n    block', '>-\n    folded', '!custom x', '? complex\n  : key', '*undefinedAnchor'];

const unicodeBits = ['\u200b', '\u202e', '\ufeff', '\u2028', '\u2029', '\u0085', 'é', '𝔘', '😀', '\u0301', 'Ω', '\uffff', '\ud800', '中文'];

const bytesOf = (s: string) => Buffer.from(s, 'utf8');

function lineValueSwap(text: string, lineNo: number, replacement: string): string {
  const lines = text.split('\n');
  const i = lineNo % lines.length;
  const line = lines[i] ?? '';
  const colon = line.indexOf(':');
  if (colon > 0) lines[i] = `${line.slice(0, colon + 1)} ${replacement}`;
  return lines.join('\n');
}

/** One arbitrary per mutation kind; each gets a password and returns the bytes. */
function mutation(kind: string, arb: fc.Arbitrary<(text: string, password: string) => Buffer>): fc.Arbitrary<SettingsCase> {
  return fc.tuple(passwordArb, arb).map(([password, make]) => ({ kind, password, bytes: make(validSettings(password), password) }));
}

const byteFlips = mutation('byte-flip', fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })
  .map((flips) => (text) => {
    const b = bytesOf(text);
    for (const [at, x] of flips) b[at % b.length]! ^= x;
    return b;
  }));

const truncations = mutation('truncate', fc.tuple(fc.constantFrom(...cutClasses), fc.nat())
  .map(([cls, n]) => (text, password) => {
    const points = cutPoints(text, password, cls);
    return bytesOf(text.slice(0, points[n % points.length]));
  }));

const typeSwaps = mutation('type-swap', fc.array(fc.tuple(fc.nat(), fc.constantFrom(...scalarSwaps)), { minLength: 1, maxLength: 3 })
  .map((swaps) => (text) => bytesOf(swaps.reduce((t, [line, rep]) => lineValueSwap(t, line, rep), text))));

const deepNesting = mutation('deep-nesting', fc.tuple(fc.constantFrom('flow-seq', 'flow-map', 'block-map', 'block-seq'), fc.integer({ min: 50, max: 5000 }), fc.nat())
  .map(([style, depth, line]) => (text) => {
    let nest: string;
    if (style === 'flow-seq') nest = `${'['.repeat(depth)}x${']'.repeat(depth)}`;
    else if (style === 'flow-map') nest = `${'{a: '.repeat(depth)}x${'}'.repeat(depth)}`;
    else if (style === 'block-map') nest = '\n' + Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(4 + i)}k${i}:`).join('\n') + ' x';
    else nest = '\n' + Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(4 + i)}-`).join('\n') + ' x';
    return bytesOf(lineValueSwap(text, line, nest));
  }));

const hugeScalars = mutation('huge-scalar', fc.tuple(fc.constantFrom('plain', 'quoted', 'number', 'key', 'block'), fc.integer({ min: 1000, max: 1_100_000 }), fc.nat())
  .map(([style, size, line]) => (text) => {
    const big = 'a'.repeat(size);
    if (style === 'key') return bytesOf(`${text}${big}: 1\n`);
    const value = style === 'plain' ? big : style === 'quoted' ? `"${big}"` : style === 'number' ? '9'.repeat(Math.min(size, 100_000)) : `|\n    ${big}`;
    return bytesOf(lineValueSwap(text, line, value));
  }));

const aliases = mutation('anchors-aliases', fc.tuple(fc.constantFrom('laughs', 'undefined', 'self', 'merge', 'anchor-password', 'merge-bad'), fc.integer({ min: 2, max: 12 }), fc.nat())
  .map(([style, n, line]) => (text) => {
    if (style === 'laughs') {
      const defs = Array.from({ length: n }, (_, i) => i === 0 ? 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]' : `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
      return bytesOf(`${text}${defs.join('\n')}\n`);
    }
    if (style === 'undefined') return bytesOf(lineValueSwap(text, line, '*nowhere'));
    if (style === 'self') return bytesOf(lineValueSwap(text, line, '&a [*a]'));
    if (style === 'merge') return bytesOf(text.replace('ews:\n', 'base: &b { auth: basic }\news:\n  <<: *b\n'));
    if (style === 'merge-bad') return bytesOf(text.replace('ews:\n', 'ews:\n  <<: [1, 2]\n'));
    return bytesOf(text.replace(/password: (\S+)/, 'password: &pw $1').replace('auth: ntlm', 'auth: *pw'));
  }));

const unicode = mutation('unicode', fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...unicodeBits), fc.string({ unit: 'grapheme', maxLength: 4 }))), { minLength: 1, maxLength: 5 })
  .map((inserts) => (text) => {
    let t = text;
    for (const [at, s] of inserts) { const i = at % (t.length + 1); t = t.slice(0, i) + s + t.slice(i); }
    return bytesOf(t);
  }));

const encodings = mutation('bom-crlf-nul', fc.tuple(fc.constantFrom('utf8-bom', 'utf16le-bom', 'utf16be-bom', 'double-bom', 'crlf', 'cr', 'mixed-eol', 'nul', 'nul-tail', 'latin1', 'invalid-utf8'), fc.nat())
  .map(([style, at]) => (text) => {
    switch (style) {
      case 'utf8-bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytesOf(text)]);
      case 'utf16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      case 'utf16be-bom': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
      case 'double-bom': return bytesOf(`\ufeff\ufeff${text}`);
      case 'crlf': return bytesOf(text.replace(/\n/g, '\r\n'));
      case 'cr': return bytesOf(text.replace(/\n/g, '\r'));
      case 'mixed-eol': return bytesOf(text.split('\n').map((l, i) => l + (i % 2 ? '\r\n' : '\n')).join(''));
      case 'nul': { const i = at % text.length; return Buffer.concat([bytesOf(text.slice(0, i)), Buffer.from([0]), bytesOf(text.slice(i))]); }
      case 'nul-tail': return Buffer.concat([bytesOf(text), Buffer.alloc(64)]);
      case 'latin1': return Buffer.from(text.replace('helpdesk', 'hélpdésk'), 'latin1');
      default: { const b = bytesOf(text); b[at % b.length] = 0xc3; b[(at + 1) % b.length] = 0x28; return b; }
    }
  }));

// Random YAML: JSON-ish values rendered as YAML (sometimes under the valid header), and raw YAML-ish text.
const yamlish = fc.string({ unit: fc.constantFrom(...' \t\n:-?,[]{}#&*!|>\'"%@`abcXYZ019.~\\'), maxLength: 300 });
const randomYaml = fc.tuple(passwordArb, fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => ({ kind: 'random-value', render: (pw: string) => `${stringify(v)}\npassword: ${pw}\n` })),
  fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'service', 'message', 'ews', 'mapi', 'test', 'x'), fc.jsonValue({ maxDepth: 3 }))
    .map((d) => ({ kind: 'random-settings', render: (pw: string) => stringify({ ...d, ews: { ...(typeof d.ews === 'object' && d.ews && !Array.isArray(d.ews) ? d.ews : {}), password: pw } }) })),
  yamlish.map((s) => ({ kind: 'random-text', render: (pw: string) => `apiVersion: mail-agent/v1\npassword: ${pw}\n${s}` })),
)).map(([password, { kind, render }]) => ({ kind, password, bytes: bytesOf(render(password)) }));

export const settingsCase: fc.Arbitrary<SettingsCase> = fc.oneof(
  { arbitrary: byteFlips, weight: 3 },
  { arbitrary: truncations, weight: 3 },
  { arbitrary: typeSwaps, weight: 2 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: hugeScalars, weight: 1 },
  { arbitrary: aliases, weight: 1 },
  { arbitrary: unicode, weight: 2 },
  { arbitrary: encodings, weight: 2 },
  { arbitrary: randomYaml, weight: 3 },
);

/** Any 6 characters of the password in a row count as a leak (a truncated file holds a prefix of it). */
export function leakOf(output: string, password: string): string | undefined {
  for (let i = 0; i + 6 <= password.length; i++) {
    const piece = password.slice(i, i + 6);
    if (output.includes(piece)) return piece;
  }
  return undefined;
}
