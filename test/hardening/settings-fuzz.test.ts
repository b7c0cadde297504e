// 10,000+ malformed settings files per run through loadConfig and `mail-agent validate` in-process:
// nothing throws, validate exits 0 or 1, every error has a line and a column, no planted password shows.
// The seed is printed; HARDEN_SEED=<seed> replays a run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../agent/config/load.ts';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { hardeningSeed, leakOf, settingsCase, type SettingsCase } from './settings-mutations.ts';

const runs = Number(process.env.HARDEN_FILES ?? 10_000);
const tried = new Map<string, number>();

function describe(c: SettingsCase): string {
  return `${c.kind} (seed ${hardeningSeed}): ${JSON.stringify(c.bytes.subarray(0, 400).toString('utf8'))}`;
}

test(`loadConfig and validate on ${runs} malformed files (seed ${hardeningSeed})`, async () => {
  console.log(`hardening: settings fuzz seed ${hardeningSeed} (replay with HARDEN_SEED=${hardeningSeed})`);
  const dir = await tempDir('fuzz');
  const file = join(dir.path, 'mail-settings.yaml');
  try {
    // Every 10th case also goes through the CLI (a real file, both output formats): main() is the same
    // loader plus formatting, so the formatting is covered without writing 10,000 files.
    let n = 0;
    await fc.assert(fc.asyncProperty(settingsCase, async (c) => {
      tried.set(c.kind, (tried.get(c.kind) ?? 0) + 1);
      const result = await loadConfig(file, { bytes: c.bytes, env: {} });
      const issues = result.ok ? result.config.warnings : result.issues;
      for (const issue of issues) {
        // Every issue has a position that exists, the file as a whole (too large) included: 1:1.
        assert.ok(issue.line >= 1 && issue.column >= 1, `issue without line/column: ${JSON.stringify(issue)} — ${describe(c)}`);
        const leak = leakOf(JSON.stringify(issue), c.password);
        assert.not.ok(leak, `password piece ${leak} in ${JSON.stringify(issue)} — ${describe(c)}`);
      }
      if (n++ % 10 !== 0) return;
      await writeFile(file, c.bytes);
      for (const args of [[file], ['-o', 'json', file]]) {
        const io = captureIo({ env: {} });
        const code = await main(['validate', ...args], io);
        const output = io.out() + io.err();
        assert.ok(code === 0 || code === 1, `validate exit ${code}: ${output} — ${describe(c)}`);
        assert.is(code, result.ok ? 0 : 1, `validate and loadConfig disagree — ${describe(c)}`);
        const leak = leakOf(output, c.password);
        assert.not.ok(leak, `password piece ${leak} in validate output ${output} — ${describe(c)}`);
        if (args.length === 1 && !result.ok) {
          for (const line of io.out().split('\n').filter((l) => l.includes(': error: '))) {
            assert.ok(line.startsWith(`${file}:`) && /^:\d+:\d+: error: /.test(line.slice(file.length)), `error line without line:column: ${line}`);
          }
        }
      }
    }), { seed: hardeningSeed, numRuns: runs, endOnFailure: true });
  } finally {
    await dir.cleanup();
  }
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  console.log(`hardening: settings fuzz tried ${total} files: ${JSON.stringify(Object.fromEntries(tried))}`);
  assert.ok(total >= runs);
});

test.run();
