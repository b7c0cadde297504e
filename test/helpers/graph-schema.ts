// Checks Microsoft Graph JSON bodies (requests the agent sends, answers the sandbox gives) against
// Microsoft's own metadata of Graph v1.0 (test/fixtures/graph-schema/cleanMetadata-v1.0.xml, read with
// saxes; see its SOURCE.md). The kinds and rules are those of Graph's documentation: a property not declared
// on the type is what Graph answers 400 for, a value must have its Edm type, enum member, shape; a MIME body
// must be base64 of a message that names a recipient.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';

export const graphSchemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/graph-schema');
export const graphSamplesDir = path.join(graphSchemaDir, 'samples');

interface TypeInfo { base: string | undefined; props: Map<string, { type: string; nullable: boolean }>; abstract: boolean }

interface Metadata { types: Map<string, TypeInfo>; enums: Map<string, Set<string>> }

let metadata: Metadata | undefined;

function qualified(name: string): string {
  return name.startsWith('graph.') ? `microsoft.${name}` : name;
}

function load(): Metadata {
  if (metadata) return metadata;
  const types = new Map<string, TypeInfo>();
  const enums = new Map<string, Set<string>>();
  const parser = new SaxesParser({ xmlns: false });
  let namespace = '';
  let current: TypeInfo | undefined;
  let currentEnum: Set<string> | undefined;
  let depth = 0;
  let typeDepth = -1;
  parser.on('opentag', (tag) => {
    depth += 1;
    const a = tag.attributes as Record<string, string>;
    if (tag.name === 'Schema') namespace = a.Namespace ?? '';
    else if ((tag.name === 'EntityType' || tag.name === 'ComplexType') && a.Name) {
      current = { base: a.BaseType ? qualified(a.BaseType) : undefined, props: new Map(), abstract: a.Abstract === 'true' };
      types.set(`${namespace}.${a.Name}`, current);
      typeDepth = depth;
    } else if (tag.name === 'EnumType' && a.Name) {
      currentEnum = new Set();
      enums.set(`${namespace}.${a.Name}`, currentEnum);
    } else if (tag.name === 'Member' && currentEnum && a.Name) {
      currentEnum.add(a.Name);
    } else if ((tag.name === 'Property' || tag.name === 'NavigationProperty') && current && depth === typeDepth + 1 && a.Name && a.Type) {
      current.props.set(a.Name, { type: a.Type, nullable: a.Nullable !== 'false' });
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'EntityType' || tag.name === 'ComplexType') current = undefined;
    if (tag.name === 'EnumType') currentEnum = undefined;
    depth -= 1;
  });
  parser.write(readFileSync(path.join(graphSchemaDir, 'cleanMetadata-v1.0.xml'), 'utf8')).close();
  metadata = { types, enums };
  return metadata;
}

function allProps(name: string): Map<string, { type: string; nullable: boolean }> {
  const { types } = load();
  const out = new Map<string, { type: string; nullable: boolean }>();
  for (let t: string | undefined = name; t; t = types.get(t)?.base) {
    for (const [k, v] of types.get(t)?.props ?? []) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

function derives(child: string | undefined, parent: string): boolean {
  for (let t = child; t; t = load().types.get(t)?.base) if (t === parent) return true;
  return false;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const show = (v: unknown): string => JSON.stringify(v)?.slice(0, 60) ?? String(v);

function checkValue(v: unknown, type: string, nullable: boolean, at: string, errs: string[]): void {
  if (v === null) {
    if (!nullable) errs.push(`${at}: null, but the metadata says Nullable=false`);
    return;
  }
  const collection = /^Collection\((.+)\)$/.exec(type);
  if (collection) {
    if (!Array.isArray(v)) errs.push(`${at}: expected an array of ${collection[1]}`);
    else v.forEach((item, i) => checkValue(item, collection[1] ?? '', false, `${at}[${i}]`, errs));
    return;
  }
  const t = qualified(type);
  const { types, enums } = load();
  let ok = true;
  if (t === 'Edm.String') ok = typeof v === 'string';
  else if (t === 'Edm.Boolean') ok = typeof v === 'boolean';
  else if (['Edm.Int32', 'Edm.Int64', 'Edm.Int16', 'Edm.Byte'].includes(t)) ok = Number.isInteger(v);
  else if (['Edm.Double', 'Edm.Single', 'Edm.Decimal'].includes(t)) ok = typeof v === 'number';
  else if (t === 'Edm.DateTimeOffset') ok = typeof v === 'string' && ISO.test(v);
  else if (t === 'Edm.Guid') ok = typeof v === 'string' && GUID.test(v);
  else if (t === 'Edm.Binary') ok = typeof v === 'string' && BASE64.test(v);
  else if (enums.has(t)) {
    // Graph reads enum members without regard to case ("Text", "HTML").
    const members = new Set([...enums.get(t) ?? []].map((m) => m.toLowerCase()));
    if (typeof v !== 'string' || !v.split(',').every((p) => members.has(p.trim().toLowerCase()))) {
      errs.push(`${at}: ${show(v)} is no member of ${t} (${[...enums.get(t) ?? []].sort().join(', ')})`);
    }
    return;
  } else if (types.has(t)) {
    checkObject(v, t, at, errs);
    return;
  }
  if (!ok) errs.push(`${at}: ${show(v)} is not a valid ${t}`);
}

function checkObject(obj: unknown, typeName: string, at: string, errs: string[]): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    errs.push(`${at}: expected an object of type ${typeName}`);
    return;
  }
  const record = obj as Record<string, unknown>;
  let name = typeName;
  const declaredValue = record['@odata.type'];
  const declared = declaredValue === undefined ? undefined : typeof declaredValue === 'string' ? declaredValue : JSON.stringify(declaredValue);
  if (declared !== undefined) {
    const named = qualified(declared.replace(/^#/, ''));
    if (!load().types.has(named)) {
      errs.push(`${at}.@odata.type: ${declared} names no type in the metadata`);
      return;
    }
    if (!derives(named, typeName)) {
      errs.push(`${at}.@odata.type: ${declared} does not derive from ${typeName}`);
      return;
    }
    name = named;
  }
  if (load().types.get(name)?.abstract && declared === undefined && name.endsWith('.attachment')) {
    errs.push(`${at}: an attachment needs "@odata.type" (e.g. #microsoft.graph.fileAttachment)`);
    return;
  }
  const props = allProps(name);
  for (const [k, v] of Object.entries(record)) {
    if (k.includes('@odata.') || k.startsWith('@')) continue;
    const prop = props.get(k);
    if (!prop) {
      errs.push(`${at}.${k}: Property '${k}' does not exist on type '${name}'`);
      continue;
    }
    checkValue(v, prop.type, prop.nullable, `${at}.${k}`, errs);
  }
}

function checkAction(body: unknown, params: Record<string, [string, boolean]>, errs: string[]): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    errs.push('$: expected a JSON object of action parameters');
    return;
  }
  const seen = new Set<string>();
  for (const [k, v] of Object.entries(body)) {
    const param = params[k.toLowerCase()];
    if (!param) {
      errs.push(`$.${k}: no such parameter (expected ${Object.keys(params).join(', ')})`);
      continue;
    }
    seen.add(k.toLowerCase());
    checkValue(v, param[0], !param[1], `$.${k}`, errs);
  }
  for (const [k, [, required]] of Object.entries(params)) if (required && !seen.has(k)) errs.push(`$: the required parameter ${k} is missing`);
}

function headerValues(mime: string, name: string): string[] {
  const head = mime.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded.split(/\r?\n/).filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
}

function checkMime(raw: string, errs: string[]): void {
  const text = raw.trim();
  if (!BASE64.test(text.replace(/\r?\n/g, ''))) {
    errs.push('the body is not base64 (Graph: 400 ErrorMimeContentInvalidBase64String)');
    return;
  }
  const mime = Buffer.from(text, 'base64').toString('latin1');
  const head = mime.split(/\r?\n\r?\n/, 1)[0] ?? '';
  if (!/^[!-9;-~]+:/m.test(head)) errs.push('the decoded MIME has no header fields');
  if (!['To', 'Cc', 'Bcc'].some((n) => headerValues(mime, n).length > 0)) errs.push('the decoded MIME names no recipient (To, Cc or Bcc)');
  for (const name of ['Subject', 'From', 'To', 'Cc', 'Message-ID', 'Sender']) {
    const n = headerValues(mime, name).length;
    if (n > 1) errs.push(`the MIME header ${name} appears ${n} times`);
  }
}

export type GraphKind = 'sendMail' | 'message' | 'attachment' | 'createUploadSession' | 'uploadSession' | 'messages' | 'error' | 'token' | 'mime';

const M = 'microsoft.graph.';

/** The reasons `body` (text, or parsed JSON) is not a valid Graph body of `kind`; empty when it is. */
export function checkGraphBody(kind: GraphKind, body: unknown): string[] {
  const errs: string[] = [];
  if (kind === 'mime') {
    checkMime(typeof body === 'string' ? body : String(body), errs);
    return errs;
  }
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch (err) {
      return [`not JSON: ${(err as Error).message}`];
    }
  }
  const obj = json !== null && typeof json === 'object' && !Array.isArray(json) ? json as Record<string, unknown> : undefined;
  switch (kind) {
    case 'sendMail': checkAction(json, { message: [`${M}message`, true], savetosentitems: ['Edm.Boolean', false] }, errs); break;
    case 'message': checkObject(json, `${M}message`, '$', errs); break;
    case 'attachment': checkObject(json, `${M}attachment`, '$', errs); break;
    case 'createUploadSession': checkAction(json, { attachmentitem: [`${M}attachmentItem`, true] }, errs); break;
    case 'uploadSession': checkObject(json, `${M}uploadSession`, '$', errs); break;
    case 'messages':
      if (!obj || !Array.isArray(obj.value)) errs.push('$: a collection answer is {"value": [...]}');
      else {
        for (const k of Object.keys(obj)) if (k !== 'value' && !k.includes('@odata.')) errs.push(`$.${k}: unexpected member of a collection answer`);
        checkValue(obj.value, `Collection(${M}message)`, false, '$.value', errs);
      }
      break;
    case 'error': {
      const e = obj?.error as Record<string, unknown> | undefined;
      if (!e || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.message !== 'string') errs.push('$: an error answer is {"error": {"code": "...", "message": "..."}}');
      break;
    }
    case 'token':
      if (!obj) errs.push('$: expected an object');
      else {
        if (typeof obj.token_type !== 'string' || obj.token_type.toLowerCase() !== 'bearer') errs.push('$.token_type: expected "Bearer"');
        if (typeof obj.access_token !== 'string' || obj.access_token === '') errs.push('$.access_token: expected a non-empty string');
        if (!Number.isInteger(obj.expires_in)) errs.push('$.expires_in: expected an integer number of seconds');
      }
      break;
  }
  return errs;
}
