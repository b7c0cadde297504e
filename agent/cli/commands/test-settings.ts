// `mail-agent test --config F --to ADDR`: the seed's "Test Settings" button as a one-shot — load,
// connect and verify, send one test message, printing each step and the server's answer. Changes
// nothing: no status, no state, no live transport.
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeTextLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes, toAgentError } from '../../errors.ts';
import { loadConfig } from '../../config/load.ts';
import type { LoadedConfig } from '../../config/settings.ts';
import { buildTestMessage } from '../../reconcile/test-message.ts';
import { readDigestKey } from '../../state/digest-key.ts';
import { resolveStateDir } from '../../state/default-dir.ts';
import { createTransport } from '../../transports/index.ts';
import type { Transport } from '../../transports/transport.ts';
import { resolveFlags, resolverFromFlags, resolveUsage } from '../resolve-flags.ts';

const usage = `Usage: mail-agent test --config F --to ADDR [--state-dir D] [--resolve HOST:PORT:ADDR[:PORT2]]… [--resolve-srv NAME:TARGET:PORT]…

"Test Settings": loads F (validating it), connects and verifies the account (endpoint, certificate,
credentials, Exchange version), then sends one test message to ADDR — printing each step and the
server's answer. Applies nothing. Exit 0 when the message was accepted, 1 when a step failed, 64 usage.
The settings digest it prints is keyed with the agent's digest key from the state dir (default as for
\`send\`), so it matches the status file's; without one (not created, not readable) it is keyed for this
run only and matches nothing.

Options:
${resolveUsage}`;

const options = {
  config: { type: 'string', short: 'c' },
  to: { type: 'string' },
  'state-dir': { type: 'string' },
  ...resolveFlags,
} as const;

function failure(io: CliIo, step: string, started: number, err: unknown): number {
  const e = toAgentError(err);
  writeTextLine(io.stdout, `${step}: FAILED after ${Date.now() - started} ms — ${e.code}${e.serverCode ? ` (server: ${e.serverCode})` : ''}: ${e.message}`);
  return ExitCodes.Failed;
}

/** The agent's digest key, read only (`test` changes nothing), and how the digest printed is keyed. */
async function installKey(stateDir: string): Promise<{ key?: Buffer; note: string }> {
  const key = await readDigestKey(stateDir).catch(() => undefined);
  return key ? { key, note: `keyed with the digest key in ${stateDir}` } : { note: `no readable digest key in ${stateDir}: keyed for this run only` };
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, options);
  if (!values.config || !values.to) throw new AgentError(ErrorCodes.Usage, '--config FILE and --to ADDR are required');
  const resolver = resolverFromFlags(values);
  const file = resolve(io.cwd, values.config);
  let started = Date.now();
  const key = await installKey(resolveStateDir(values['state-dir'], io));
  const loaded = await loadConfig(file, { env: io.env, ...(key.key ? { digestKey: key.key } : {}) });
  if (!loaded.ok) {
    writeTextLine(io.stdout, `load: FAILED — ${loaded.reason}`);
    for (const i of loaded.issues) writeTextLine(io.stdout, `  ${values.config}:${i.line}:${i.column}: ${i.message} [${i.path || '/'}]`);
    return ExitCodes.Failed;
  }
  const base = loaded.config;
  writeTextLine(io.stdout, `load: ok in ${Date.now() - started} ms — revision ${base.revision}, settings ${base.settingsDigest} (${key.note})`);
  // What the agent would warn about too (InsecureTransport: certificate checks off, plain http; literal secrets).
  for (const w of base.warnings) writeTextLine(io.stdout, `warning: ${values.config}:${w.line}:${w.column}: ${w.code}: ${w.message} [${w.path}]`);
  const config: LoadedConfig = { ...base, settings: { ...base.settings, test: { ...base.settings.test, to: values.to, onChange: true } } };
  started = Date.now();
  let transport: Transport | undefined;
  try {
    transport = await createTransport(config, { env: io.env, ...(resolver ? { resolver } : {}) });
    const info = await transport.verify();
    writeTextLine(io.stdout, `verify: ok in ${Date.now() - started} ms — ${info.service} ${info.endpoint}${info.auth ? ` auth ${info.auth}` : ''}${info.account ? ` as ${info.account}` : ''}${info.serverVersion ? `, ${info.serverVersion}` : ''}${info.serverBuild ? ` (build ${info.serverBuild})` : ''}${info.client ? ` via ${info.client}` : ''}${info.helper ? ` (${info.helper})` : ''}${info.store ? `, ${info.store} store` : ''}${info.tokenExpiresAt ? `, token valid until ${info.tokenExpiresAt}` : ''}`);
    started = Date.now();
    const message = await buildTestMessage(config, info, { host: hostname(), now: new Date(), cwd: io.cwd });
    try {
      const sent = await transport.send(message);
      writeTextLine(io.stdout, `send: ok in ${Date.now() - started} ms — accepted by the server, Message-ID ${sent.messageId}${sent.itemId ? `, item ${sent.itemId.slice(0, 24)}…` : ''}, to ${values.to}`);
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
