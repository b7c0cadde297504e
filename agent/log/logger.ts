// The agent's logger (winston): JSON lines when not on a TTY or with --log-format json, readable lines
// on a TTY; every line passes the redactor.
import type { Writable } from 'node:stream';
import winston from 'winston';
import { escapeControls } from '../text/terminal-escape.ts';
import { SecretSet } from './redact.ts';
import type { Log } from './types.ts';

export type LogFormat = 'json' | 'text';
export const LogLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LogLevels)[number];

export interface LoggerOptions {
  stream: Writable & { isTTY?: boolean };
  format?: LogFormat;
  level?: LogLevel;
  secrets?: SecretSet;
}

export interface AgentLogger extends Log {
  secrets: SecretSet;
  close(): Promise<void>;
}

const Reserved = new Set(['level', 'message', 'timestamp']);

function textLine(info: winston.Logform.TransformableInfo): string {
  const fields = Object.entries(info)
    .filter(([k]) => !Reserved.has(k) && typeof k === 'string')
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  // A field may hold a server's text: no control character reaches the terminal raw.
  return escapeControls(`${String(info.timestamp)} ${info.level.toUpperCase().padEnd(5)} ${String(info.message)}${fields.length ? '  ' + fields.join(' ') : ''}`);
}

export function createLogger(options: LoggerOptions): AgentLogger {
  const secrets = options.secrets ?? new SecretSet();
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      if (key === 'level') continue;
      // A field without a value is not logged (`client=undefined` tells a reader nothing).
      if (info[key] === undefined) { delete info[key]; continue; }
      info[key] = secrets.redactValue(key === 'message' ? '' : key, info[key]);
    }
    return info;
  });
  const format = options.format ?? (options.stream.isTTY ? 'text' : 'json');
  const transport = new winston.transports.Stream({ stream: options.stream });
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(redact(), winston.format.timestamp(),
      format === 'json' ? winston.format.json() : winston.format.printf(textLine)),
    transports: [transport],
  });
  const at = (level: LogLevel) => (message: string, meta?: Record<string, unknown>) => { logger.log(level, message, meta ?? {}); };
  return {
    secrets,
    error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'),
    close: () => new Promise((resolve) => {
      logger.on('finish', () => resolve());
      logger.end();
      // A stream that never finishes (a process's stderr) must not hold shutdown.
      setTimeout(resolve, 200).unref();
    }),
  };
}
