// The compiled settings schema, built once on first use (compiling costs ~100 ms; validating, µs).
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import schema from '../../../schemas/mail-settings.schema.json' with { type: 'json' };
import { isAddrSpec } from '../addr-spec.ts';

export const settingsSchema: Readonly<Record<string, unknown>> = schema;

let compiled: ValidateFunction | undefined;

function isAbsoluteUrl(value: string): boolean {
  return URL.canParse(value);
}

/** An ajv set up as the loader's: strict, never coercing or removing, never verbose, with our formats.
 *  strict: the schema itself must be exact; no coercion, no removal: what is in the file is judged as
 *  written; never verbose, so errors carry no data; no messages, since we write our own. */
export function createSettingsAjv(useDefaults = true, validateSchema = true): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true, strict: true, coerceTypes: false, removeAdditional: false, verbose: false,
    useDefaults, messages: false, validateSchema,
  });
  // Editors (VS Code, yaml-language-server) show `errorMessage`; we use it for our own messages too.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addFormat('email', isAddrSpec);
  ajv.addFormat('uri', isAbsoluteUrl);
  return ajv;
}

/** Defaults are filled into the data validated: callers pass their own copy. */
export function settingsValidator(): ValidateFunction {
  // The schema is ours and fixed: test/config/schema.test.ts checks it against the 2020-12 meta-schema,
  // so the agent skips that check at start (~70 ms of its cold-start CPU profile).
  compiled ??= createSettingsAjv(true, false).compile(schema);
  return compiled;
}
