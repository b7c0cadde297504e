import type { CliIo } from './io.ts';

/** One CLI command: its own file under commands/, registered in commands/index.ts. */
export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
