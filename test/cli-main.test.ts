import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../agent/cli/main.ts';
import { captureIo } from './helpers/io.ts';

test('--version prints the package version', async () => {
  const io = captureIo();
  assert.is(await main(['--version'], io), 0);
  assert.match(io.out(), /^\d+\.\d+\.\d+\n$/);
});

test('an unknown command is a usage error (64) naming the command', async () => {
  const io = captureIo();
  assert.is(await main(['frobnicate'], io), 64);
  assert.match(io.err(), /unknown command 'frobnicate'/);
});

test('no command prints help on stderr and exits 64', async () => {
  const io = captureIo();
  assert.is(await main([], io), 64);
  assert.match(io.err(), /Usage: mail-agent <command>/);
});

test.run();
