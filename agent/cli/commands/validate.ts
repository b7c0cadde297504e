// `mail-agent validate FILE…`: schema and semantic checks, one `file:line:col: message` line per
// problem (or JSON with -o json). Secrets and the caFile are read only with --resolve-secrets: a
// merge-request pipeline rarely holds production secrets, but it can check how they are referenced.
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { outputFormat, outputOption, parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, writeTextLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { loadConfig } from '../../config/load.ts';
import type { ConfigIssue } from '../../config/settings.ts';

const usage = `Usage: mail-agent validate [options] FILE...

Checks mail settings files against the schema and the semantic rules, without applying them.
Prints one line per problem, \`file:line:column: error: message [pointer keyword]\`, and
nothing about a value in the file. Exit 0: all valid; 1: any invalid; 64: usage.

Options:
  -o, --output text|json   output format (default text); json prints
                           [{file, revision, valid, reason, errors, warnings}]
      --resolve-secrets    also read the secrets ({file}, {env}) and the caFile, as the agent will
  -h, --help               this help`;

interface FileReport {
  file: string;
  revision: string | null;
  valid: boolean;
  reason?: string;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

async function check(file: string, io: CliIo, resolveSecrets: boolean): Promise<FileReport> {
  const result = await loadConfig(resolve(io.cwd, file), { resolveSecrets, env: io.env });
  const named = (issues: readonly ConfigIssue[]) => issues.map((i) => ({ ...i, file }));
  return result.ok
    ? { file, revision: result.config.revision, valid: true, errors: [], warnings: named(result.config.warnings) }
    : { file, revision: result.revision ?? null, valid: false, reason: result.reason, errors: named(result.issues), warnings: [] };
}

function issueLine(issue: ConfigIssue, severity: 'error' | 'warning'): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${severity}: ${issue.message} [${issue.path || '/'} ${issue.keyword}]`;
}

function textReport(report: FileReport): string[] {
  return [
    ...report.errors.map((i) => issueLine(i, 'error')),
    ...report.warnings.map((i) => issueLine(i, 'warning')),
    ...(report.valid ? [`${report.file}: valid`] : []),
  ];
}

function jsonReport(report: FileReport) {
  const shape = ({ path, keyword, line, column, message, code }: ConfigIssue) => ({ path, keyword, line, column, message, code });
  return { ...report, errors: report.errors.map(shape), warnings: report.warnings.map(shape) };
}

export const command: Command = {
  name: 'validate',
  summary: 'check settings files (schema and semantic rules); exit 0 valid, 1 invalid',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...outputOption, 'resolve-secrets': { type: 'boolean', default: false } }, true);
    const output = outputFormat(values.output);
    if (positionals.length === 0) throw new AgentError(ErrorCodes.Usage, 'give at least one settings file');
    const reports: FileReport[] = [];
    for (const file of positionals) {
      const report = await check(file, io, values['resolve-secrets']);
      reports.push(report);
      if (output === 'text') for (const line of textReport(report)) writeTextLine(io.stdout, line);
    }
    if (output === 'json') writeLine(io.stdout, JSON.stringify(reports.map(jsonReport), null, 2));
    return reports.every((r) => r.valid) ? ExitCodes.Ok : ExitCodes.Failed;
  },
};
