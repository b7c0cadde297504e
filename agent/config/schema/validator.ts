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

export function settingsValidator(): ValidateFunction {
  if (compiled) return compiled;
  // strict: the schema itself must be exact; no coercion, no removal: what is in the file is judged
  // as written; never verbose, so errors carry no data. Defaults fill the caller's own copy.
  const ajv = new Ajv2020({
    allErrors: true, strict: true, coerceTypes: false, removeAdditional: false, verbose: false,
    useDefaults: true, messages: false,
  });
  // Editors (VS Code, yaml-language-server) show `errorMessage`; we use it for our own messages too.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addFormat('email', isAddrSpec);
  ajv.addFormat('uri', isAbsoluteUrl);
  compiled = ajv.compile(schema);
  return compiled;
}
