// The loader (contract: load-contract.ts): bytes → text → one YAML document → SOPS refusal → schema
// (defaults filled on our own copy) → semantic checks → normalized settings → references resolved →
// digests. The first stage that fails decides the reason; every issue is placed on a line and column.
import { dirname, resolve } from 'node:path';
import type { LoadConfig, LoadResult } from './load-contract.ts';
import type { ConfigIssue, LoadedConfig } from './settings.ts';
import type { ErrorCode } from '../errors.ts';
import { fileIssue, type IssueDraft } from './issue.ts';
import { checkBytes, readSettingsBytes } from './source/read.ts';
import { decodeSettingsText } from './source/decode.ts';
import { parseSettingsYaml, type ParsedSource } from './source/parse.ts';
import { locate } from './source/locate.ts';
import { sopsIssue } from './sops.ts';
import { settingsSchema, settingsValidator } from './schema/validator.ts';
import { schemaIssues } from './schema/messages.ts';
import { semanticIssues } from './semantic.ts';
import { textCharIssues } from './text-chars.ts';
import { normalizeSettings } from './normalize.ts';
import type { RawSettings } from './raw-settings.ts';
import { settingsWarnings } from './warnings.ts';
import { referencedFiles, resolveReferences } from './references.ts';
import { processDigestKey, settingsDigestOf, submissionDigestOf, testDigestOf } from './digest.ts';

function placed(file: string, source: ParsedSource | string, drafts: readonly IssueDraft[]): ConfigIssue[] {
  return drafts.map((d) => locate(file, source, d)).sort((a, b) => a.line - b.line || a.column - b.column);
}

function failed(revision: string | undefined, reason: string, issues: ConfigIssue[]): LoadResult {
  return { ok: false, revision, reason: reason as ErrorCode, issues };
}

function deepFreeze<T>(value: T): T {
  // A Buffer (the submission port's TLS files) cannot be frozen; nothing writes to it.
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const emptyFile: IssueDraft = { path: '', keyword: 'type', code: 'SchemaViolation', offset: 0,
  message: 'the file holds no settings; expected a mapping starting with apiVersion, kind and service' };

export const loadConfig: LoadConfig = async (path, options = {}) => {
  const read = options.bytes ? checkBytes(options.bytes) : await readSettingsBytes(path);
  if (!read.ok) return failed(read.revision, read.reason, [fileIssue(path, read.reason, 'file', read.message)]);
  const { revision } = read;

  const decoded = decodeSettingsText(read.bytes);
  if (!decoded.ok) return failed(revision, 'YamlSyntax', placed(path, decoded.text, [decoded.issue]));
  const parsed = parseSettingsYaml(decoded.text);
  if (!parsed.ok) return failed(revision, 'YamlSyntax', placed(path, parsed.source ?? decoded.text, parsed.issues));
  const { source } = parsed;
  if (parsed.data === null || parsed.data === undefined) return failed(revision, 'SchemaViolation', placed(path, source, [emptyFile]));

  const encrypted = sopsIssue(parsed.data);
  if (encrypted) return failed(revision, 'EncryptedConfigNotDecrypted', placed(path, source, [encrypted]));

  // toJS gave us a fresh tree; the clone only parts aliased subtrees before defaults are written in.
  const data: unknown = structuredClone(parsed.data);
  const validate = settingsValidator();
  const schemaDrafts = validate(data) ? [] : schemaIssues(validate.errors ?? [], settingsSchema, data);
  const problems = [...schemaDrafts, ...semanticIssues(data, schemaDrafts), ...textCharIssues(data, schemaDrafts)];
  if (problems.length > 0) {
    return failed(revision, schemaDrafts.length > 0 ? 'SchemaViolation' : 'SemanticViolation', placed(path, source, problems));
  }

  const raw = data as RawSettings;
  const settings = normalizeSettings(raw, dirname(resolve(path)));
  const warnings = placed(path, source, await settingsWarnings(settings, path));
  let resolved: Awaited<ReturnType<typeof resolveReferences>> = { secrets: {}, issues: [] };
  if (options.resolveSecrets ?? true) {
    resolved = await resolveReferences(settings, raw, options.env ?? process.env);
    const first = resolved.issues[0];
    if (first) return failed(revision, first.code, placed(path, source, resolved.issues));
  }
  const config: LoadedConfig = {
    path,
    revision,
    settingsDigest: settingsDigestOf(settings, resolved.secrets, resolved.caFile, options.digestKey ?? processDigestKey),
    testDigest: testDigestOf(settings, resolved.caFile),
    settings,
    secrets: resolved.secrets,
    referencedFiles: referencedFiles(settings),
    warnings,
    ...(settings.submission ? { submissionDigest: submissionDigestOf(settings.submission, resolved.secrets.submission, options.digestKey ?? processDigestKey) } : {}),
  };
  return { ok: true, config: deepFreeze(config) };
};
