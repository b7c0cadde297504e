// Colour for humans: only when the stream is a terminal and NO_COLOR is unset or empty (no-color.org).
import type { Writable } from 'node:stream';

export interface Style {
  ok: (text: string) => string;
  bad: (text: string) => string;
  warn: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
}

const same = (text: string) => text;
export const plainStyle: Style = { ok: same, bad: same, warn: same, dim: same, bold: same };

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
export const ansiStyle: Style = { ok: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };

export function styleFor(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY === true && !env.NO_COLOR ? ansiStyle : plainStyle;
}
