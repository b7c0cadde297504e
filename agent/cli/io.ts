// The CLI's side effects, injected so tests drive `main` as a function.
import type { Readable, Writable } from 'node:stream';
import { escapeControls } from '../text/terminal-escape.ts';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

export function writeLine(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : text + '\n');
}

/** One line of text that carries strings from outside (a subject, a server's answer, a file name) and no
 *  styling of ours: every control character in it, a line break too, is escaped (text/terminal-escape.ts). */
export function writeTextLine(stream: Writable, line: string): void {
  writeLine(stream, escapeControls(line));
}
