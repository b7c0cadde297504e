// `mail-agent test --config F --to ADDR`: the seed's "Test Settings" button as a one-shot — load,
// connect and verify, send one test message, printing each step and the server's answer. Changes
// nothing: no status, no state, no live transport.
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes, toAgentError } from '../../errors.ts';
import { loadConfig } from '../../config/load.ts';
import type { LoadedConfig } from '../../config/settings.ts';
import { buildTestMessage } from '../../reconcile/test-message.ts';
import { createTransport } from '../../transports/index.ts';
import type { Transport } from '../../transports/transport.ts';

const usage = `Usage: mail-agent test --config F --to ADDR [--timeout 30s]

"Test Settings": loads F (validating it), connects and verifies the account (endpoint, certificate,
credentials, Exchange version), then sends one test message to ADDR — printing each step and the
server's answer. Applies nothing. Exit 0 when the message was accepted, 1 when a step failed, 64 usage.`;

const options = {
  config: { type: 'string', short: 'c' },
  to: { type: 'string' },
} as const;

function failure(io: CliIo, step: string, started: number, err: unknown): number {
  const e = toAgentError(err);
  writeLine(io.stdout, `${step}: FAILED after ${Date.now() - started} ms — ${e.code}${e.serverCode ? ` (server: ${e.serverCode})` : ''}: ${e.message}`);
  return ExitCodes.Failed;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, options);
  if (!values.config || !values.to) throw new AgentError(ErrorCodes.Usage, '--config FILE and --to ADDR are required');
  const file = resolve(io.cwd, values.config);
  let started = Date.now();
  const loaded = await loadConfig(file, { env: io.env });
  if (!loaded.ok) {
    writeLine(io.stdout, `load: FAILED — ${loaded.reason}`);
    for (const i of loaded.issues) writeLine(io.stdout, `  ${values.config}:${i.line}:${i.column}: ${i.message} [${i.path || '/'}]`);
    return ExitCodes.Failed;
  }
  const base = loaded.config;
  writeLine(io.stdout, `load: ok in ${Date.now() - started} ms — revision ${base.revision}, settings ${base.settingsDigest}`);
  const config: LoadedConfig = { ...base, settings: { ...base.settings, test: { ...base.settings.test, to: values.to, onChange: true } } };
  started = Date.now();
  let transport: Transport | undefined;
  try {
    transport = await createTransport(config, { env: io.env });
    const info = await transport.verify();
    writeLine(io.stdout, `verify: ok in ${Date.now() - started} ms — ${info.service} ${info.endpoint}${info.auth ? ` auth ${info.auth}` : ''}${info.account ? ` as ${info.account}` : ''}${info.serverVersion ? `, ${info.serverVersion}` : ''}${info.serverBuild ? ` (build ${info.serverBuild})` : ''}${info.client ? ` via ${info.client}` : ''}${info.helper ? ` (${info.helper})` : ''}${info.tokenExpiresAt ? `, token valid until ${info.tokenExpiresAt}` : ''}`);
    started = Date.now();
    const message = await buildTestMessage(config, info, { host: hostname(), now: new Date(), cwd: io.cwd });
    try {
      const sent = await transport.send(message);
      writeLine(io.stdout, `send: ok in ${Date.now() - started} ms — accepted by the server, Message-ID ${sent.messageId}${sent.itemId ? `, item ${sent.itemId.slice(0, 24)}…` : ''}, to ${values.to}`);
      return ExitCodes.Ok;
    } catch (err) {
      return failure(io, 'send', started, err);
    }
  } catch (err) {
    return failure(io, 'verify', started, err);
  } finally {
    await transport?.close().catch(() => undefined);
  }
}

export const testCommand: Command = { name: 'test', summary: 'one-shot "Test Settings": connect, send a test message, print each step', usage, run };
