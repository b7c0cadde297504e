// The compiled settings schema, built once on first use. The build (scripts/settings-validator.ts) ships it
// precompiled as settings-validate.cjs beside this module, so the agent neither loads ajv nor compiles at
// start (docs/performance.md, "Settings validator precompiled"); from source, if that file is missing, or if it was generated from
// another version of the schema (a `tsc` without the build script), ajv compiles it here.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv2020, Options } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import schema from '../../../schemas/mail-settings.schema.json' with { type: 'json' };
import { isAddrSpec } from '../addr-spec.ts';

export const settingsSchema: Readonly<Record<string, unknown>> = schema;
/** Where the build writes the precompiled validator, relative to this module. */
export const precompiledFile = './settings-validate.cjs';

const require = createRequire(import.meta.url);
let compiled: ValidateFunction | undefined;

function isAbsoluteUrl(value: string): boolean {
  return URL.canParse(value);
}

/** The formats the schema names, by name: ajv's and the precompiled validator's. */
export const settingsFormats = { email: isAddrSpec, uri: isAbsoluteUrl } as const;

/** An ajv set up as the loader's: strict, never coercing or removing, never verbose, with our formats.
 *  strict: the schema itself must be exact; no coercion, no removal: what is in the file is judged as
 *  written; never verbose, so errors carry no data; no messages, since we write our own. */
export function createSettingsAjv(useDefaults = true, validateSchema = true, code?: Options['code']): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv({
    allErrors: true, strict: true, coerceTypes: false, removeAdditional: false, verbose: false,
    useDefaults, messages: false, validateSchema, code,
  });
  // Editors (VS Code, yaml-language-server) show `errorMessage`; we use it for our own messages too.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  for (const [name, check] of Object.entries(settingsFormats)) ajv.addFormat(name, check);
  return ajv;
}

/** What the precompiled validator was generated from: one built from another schema is not used. */
export function schemaDigest(): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function precompiled(): ValidateFunction | undefined {
  let factory: ((formats: typeof settingsFormats) => ValidateFunction) & { schemaDigest?: string };
  try {
    factory = require(precompiledFile) as typeof factory;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  return factory.schemaDigest === schemaDigest() ? factory(settingsFormats) : undefined;
}

/** Defaults are filled into the data validated: callers pass their own copy. */
export function settingsValidator(): ValidateFunction {
  // The schema is ours and fixed: test/config/schema.test.ts checks it against the 2020-12 meta-schema,
  // so the agent skips that check at start (docs/performance.md, "Settings validator").
  compiled ??= precompiled() ?? createSettingsAjv(true, false).compile(schema);
  return compiled;
}
