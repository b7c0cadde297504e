#!/usr/bin/env node
import { main } from './main.ts';
import { processIo } from './io.ts';

// A reader that stops early (`mail-agent log | head`) closes the pipe: the rest of the output has nowhere
// to go, which is not a failure of the command. Other stream errors stay fatal.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

main(process.argv.slice(2), processIo()).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`mail-agent: internal error: ${err instanceof Error ? err.message : 'unknown failure'}\n`);
    process.exitCode = 70;
  },
);
