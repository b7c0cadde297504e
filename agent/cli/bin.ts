#!/usr/bin/env node
import { main } from './main.ts';
import { processIo } from './io.ts';

main(process.argv.slice(2), processIo()).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`mail-agent: internal error: ${err instanceof Error ? err.message : 'unknown failure'}\n`);
    process.exitCode = 70;
  },
);
