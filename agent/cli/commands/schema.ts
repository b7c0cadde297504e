// `mail-agent schema [--status]`: prints the JSON Schema of the settings file (or of the status file),
// for editors and pipelines that validate with their own tools.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine } from '../io.ts';
import { settingsSchema } from '../../config/schema/validator.ts';

const usage = `Usage: mail-agent schema [--status]

Prints the JSON Schema (2020-12) of the mail settings file, or with --status of the status file.

Options:
  --status     the status file's schema instead
  -h, --help   this help`;

/** schemas/<name> of the installed package: the nearest folder above this module that has it
 *  (the source tree when run with tsx, the package root when run from dist/). */
export function findSchemaFile(name: string, from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from, depth = 0; depth < 8; dir = dirname(dir), depth++) {
    const candidate = join(dir, 'schemas', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

export const command: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of the settings file (--status: of the status file)',
  usage,
  run(argv, io) {
    const { values } = parseCommandArgs(argv, { status: { type: 'boolean', default: false } });
    if (!values.status) {
      writeLine(io.stdout, JSON.stringify(settingsSchema, null, 2));
      return Promise.resolve(ExitCodes.Ok);
    }
    const file = findSchemaFile('status.schema.json');
    if (file === undefined) {
      writeLine(io.stderr, 'mail-agent schema: the status file schema (schemas/status.schema.json) is not installed');
      return Promise.resolve(ExitCodes.Failed);
    }
    writeLine(io.stdout, readFileSync(file, 'utf8'));
    return Promise.resolve(ExitCodes.Ok);
  },
};
