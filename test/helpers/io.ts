// A CliIo that captures output, for driving `main` in tests.
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../agent/cli/io.ts';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** `tty`: which streams say they are a terminal (isTTY, 200 columns), as a person's shell would. */
export function captureIo(options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; tty?: { out?: boolean; err?: boolean } } = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (options.tty?.out) Object.assign(stdout, { isTTY: true, columns: 200 });
  if (options.tty?.err) Object.assign(stderr, { isTTY: true, columns: 200 });
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
  return {
    stdout, stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out,
    err: () => err,
  };
}
