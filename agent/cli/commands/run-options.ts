// `mail-agent run` flags, resolved to paths and settings with their defaults.
import { resolve } from 'node:path';
import { parseCommandArgs } from '../args.ts';
import { resolveFlags, resolverFromFlags } from '../resolve-flags.ts';
import { parseDuration } from '../../text/duration.ts';
import type { CliIo } from '../io.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { NameResolver } from '../../http/resolver.ts';
import { parseListenAddress, type ListenAddress } from '../../metrics/address.ts';
import { LogLevels, type LogFormat, type LogLevel } from '../../log/logger.ts';
import { resolveStateDir } from '../../state/default-dir.ts';
import { resolveStatusPath } from '../../run/default-paths.ts';

export const runFlags = {
  config: { type: 'string', short: 'c' },
  status: { type: 'string' },
  'state-dir': { type: 'string' },
  once: { type: 'boolean' },
  'log-format': { type: 'string' },
  'log-level': { type: 'string' },
  heartbeat: { type: 'string' },
  poll: { type: 'string' },
  'metrics-addr': { type: 'string' },
  'request-timeout': { type: 'string' },
  ...resolveFlags,
} as const;

export interface RunOptions {
  configPath: string;
  statusPath: string;
  stateDir: string;
  once: boolean;
  logFormat?: LogFormat;
  logLevel: LogLevel;
  heartbeatMs?: number;
  pollMs?: number;
  /** --metrics-addr: serve /metrics, /healthz, /readyz there. */
  metricsAddr?: ListenAddress;
  /** Deadline of each call to the mail server (default: the transport's, 30 s). */
  requestTimeoutMs?: number;
  /** --resolve / --resolve-srv: names pointed elsewhere (tests, staging). */
  resolver?: NameResolver;
}

export function parseRunOptions(argv: string[], io: CliIo): RunOptions {
  const { values } = parseCommandArgs(argv, runFlags);
  if (!values.config) throw new AgentError(ErrorCodes.Usage, '--config FILE is required');
  const format = values['log-format'];
  if (format !== undefined && format !== 'json' && format !== 'text') throw new AgentError(ErrorCodes.Usage, '--log-format: expected json or text');
  const level = values['log-level'] ?? 'info';
  if (!(LogLevels as readonly string[]).includes(level)) throw new AgentError(ErrorCodes.Usage, `--log-level: expected one of ${LogLevels.join(', ')}`);
  if (values['metrics-addr'] !== undefined && values.once) throw new AgentError(ErrorCodes.Usage, '--metrics-addr: not with --once');
  const stateDir = resolveStateDir(values['state-dir'], io);
  const resolver = resolverFromFlags(values);
  return {
    configPath: resolve(io.cwd, values.config),
    statusPath: resolveStatusPath(values.status, stateDir, io.cwd),
    stateDir,
    once: values.once ?? false,
    ...(format ? { logFormat: format } : {}),
    logLevel: level as LogLevel,
    ...(values.heartbeat ? { heartbeatMs: parseDuration(values.heartbeat, '--heartbeat') } : {}),
    ...(values.poll ? { pollMs: parseDuration(values.poll, '--poll') } : {}),
    ...(values['metrics-addr'] !== undefined ? { metricsAddr: parseListenAddress(values['metrics-addr']) } : {}),
    ...(values['request-timeout'] ? { requestTimeoutMs: parseDuration(values['request-timeout'], '--request-timeout') } : {}),
    ...(resolver ? { resolver } : {}),
  };
}
