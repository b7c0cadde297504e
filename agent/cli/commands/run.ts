// `mail-agent run`: the agent (docs/agent.md). Runs until SIGTERM/SIGINT (exit 0); `--once` reconciles once
// and exits 0 when Ready, else 1.
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { ErrorCodes, isAgentError } from '../../errors.ts';
import { createLogger } from '../../log/logger.ts';
import { startMetrics, type RunningMetrics } from '../../metrics/start.ts';
import { Agent } from '../../run/agent.ts';
import { parseRunOptions } from './run-options.ts';
import { installProcessGuards } from '../../run/process-guards.ts';
import { createTransport } from '../../transports/index.ts';
import { statePaths } from '../../state/layout.ts';
import { resolveUsage } from '../resolve-flags.ts';

const usage = `Usage: mail-agent run --config F [--status S] [--state-dir D] [--once] [--log-format json|text] [--log-level L]
       [--metrics-addr HOST:PORT] [--resolve HOST:PORT:ADDR[:PORT2]]… [--resolve-srv NAME:TARGET:PORT]…

Watches the settings file, reconciles the mail transport to it, sends a test message on change,
writes the status file and delivers queued notifications.

Options:
  -c, --config F       the settings file (YAML) to watch
  --status S           the status file (default: <state-dir>/status.json); never inside the watched folder
  --state-dir D        state: lock, spool, applied settings, test-message record (default:
                       $MAIL_AGENT_STATE_DIR, /var/lib/mail-agent as root, else ~/.local/state/mail-agent)
  --once               reconcile once, write the status, exit 0 if Ready else 1
  --log-format F       json or text (default: text on a terminal, json otherwise)
  --log-level L        error, warn, info (default) or debug
  --heartbeat D        status rewrite interval (default 30s)
  --request-timeout D  deadline of each call to the mail server (default 30s)
  --poll D             periodic check of the settings file's digest (default 30s)
  --metrics-addr A     serve Prometheus /metrics, /healthz and /readyz on HOST:PORT
                       (e.g. 127.0.0.1:9464; port 0 picks a free one, logged)
${resolveUsage}

Signals: SIGHUP re-reads the file (and retries a Stalled revision); SIGTERM/SIGINT finish the step
in progress, write the status and exit 0. One agent per state dir: a second exits 1 at once.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const options = parseRunOptions(argv, io);
  const log = createLogger({ stream: io.stderr, level: options.logLevel, ...(options.logFormat ? { format: options.logFormat } : {}) });
  let agent: Agent;
  const metrics = options.metricsAddr ? await startMetrics(options.metricsAddr) : undefined;
  try {
    agent = await Agent.prepare({
      ...options, log, createTransport, env: io.env,
      ...(metrics ? { observer: metrics.observer } : {}),
      transportDeps: {
        autodiscoverCache: statePaths(options.stateDir).autodiscover,
        ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
        ...(options.resolver ? { resolver: options.resolver } : {}),
      },
    });
  } catch (err) {
    await log.close();
    if (isAgentError(err) && (err.code === ErrorCodes.StateDirLocked || err.code === ErrorCodes.StateDirUnsafe)) {
      writeLine(io.stderr, `mail-agent run: ${err.message}`);
      return ExitCodes.Failed;
    }
    throw err;
  }
  let stopped!: () => void;
  const stopping = new Promise<void>((resolve) => { stopped = resolve; });
  const removeGuards = installProcessGuards(log, {
    stop: (signal) => { log.info('stopping', { signal }); stopped(); },
    reread: () => { agent.reread(); },
  });
  try {
    if (options.once) {
      const result = await agent.once();
      log.info('reconciled once', { result: result ?? 'none' });
      return result === 'ready' || result === 'unchanged' || result === 'current' ? ExitCodes.Ok : ExitCodes.Failed;
    }
    log.info('agent started', { config: options.configPath, status: options.statusPath, stateDir: options.stateDir, pid: process.pid });
    if (metrics && !(await serveOrFail(metrics, agent, log, io))) return ExitCodes.Failed;
    await agent.start();
    await stopping;
    return ExitCodes.Ok;
  } finally {
    await agent.stop();
    await metrics?.close();
    log.info('agent stopped');
    removeGuards();
    await log.close();
  }
}

export const runCommand: Command = { name: 'run', summary: 'the agent: watch, reconcile, prove with a test message, report status', usage, run };

/** Binds the metrics endpoint; a port in use is reported plainly and ends the run (exit 1). */
async function serveOrFail(metrics: RunningMetrics, agent: Agent, log: ReturnType<typeof createLogger>, io: CliIo): Promise<boolean> {
  try {
    const address = await metrics.serve(agent.view());
    log.info('metrics listening', { address, paths: '/metrics /healthz /readyz' });
    return true;
  } catch (err) {
    writeLine(io.stderr, `mail-agent run: --metrics-addr: cannot listen (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return false;
  }
}
