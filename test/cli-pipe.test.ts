// The shipped bin with its stdout pipe closed by the reader before it writes (`mail-agent schema | head -1`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { repoRoot } from './helpers/child.ts';
import { shippedBin } from './helpers/shipped.ts';

test('a reader that closes the pipe early is not a crash: exit 0, no stack trace', async () => {
  const proc = spawn(process.execPath, [shippedBin, 'schema'], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.destroy(); // closed long before the child (loading the CLI) writes its first byte
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const [code] = await once(proc, 'exit') as [number | null];
  assert.is(stderr, '');
  assert.is(code, 0);
});

test.run();
