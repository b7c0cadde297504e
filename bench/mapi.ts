// MAPI transport cost under Wine: cold start (spawn + hello + logon) and warm sends through the real
// helper and test provider, against the same transport driving the stand-in helper (a Node process
// speaking the protocol) — the ratio is what Wine + MAPI add over the process/protocol plumbing.
// Run: node --import tsx bench/mapi.ts   (needs mingw-w64 and wine64; writes bench/results/mapi.json)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMapiTransport } from '../agent/transports/mapi/index.ts';
import { outgoing } from '../test/mapi/messages.ts';
import { mapiSettings } from '../test/mapi/settings.ts';
import { missingTools } from '../test/helpers/tools.ts';
import { prepareWine, repoRoot, wineTools } from '../test/mapi/wine.ts';

const sends = 40;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function measure(env: NodeJS.ProcessEnv): Promise<{ coldVerifyMs: number; sendMedianMs: number }> {
  const t = createMapiTransport(mapiSettings('default'), { env });
  try {
    const start = performance.now();
    await t.verify();
    const coldVerifyMs = performance.now() - start;
    const times: number[] = [];
    for (let i = 0; i < sends; i++) {
      const at = performance.now();
      await t.send(outgoing({ text: `bench ${i}`, html: `<p>bench ${i}</p>` }));
      times.push(performance.now() - at);
    }
    return { coldVerifyMs, sendMedianMs: median(times) };
  } finally {
    await t.close();
  }
}

const missing = missingTools(wineTools);
if (missing.length > 0) {
  console.log(`bench/mapi.ts skipped: missing ${missing.join(', ')}`);
} else {
  const wine = prepareWine('bench');
  try {
    const real = await measure(wine.env({ MAPI_TEST_PROVIDER_LOG: wine.newLog() }));
    const fake = path.join(repoRoot, 'test', 'mapi', 'fixtures', 'fake-helper.ts');
    const peer = await measure({ ...process.env, MAIL_AGENT_MAPI_HELPER: `"${process.execPath}" --import tsx "${fake}"`, FAKE_HELPER_MODE: 'ok' });
    const result = {
      at: new Date().toISOString(),
      sends,
      wine: real,
      standInHelper: peer,
      sendMedianRatio: real.sendMedianMs / peer.sendMedianMs,
      coldVerifyRatio: real.coldVerifyMs / peer.coldVerifyMs,
    };
    writeFileSync(path.join(repoRoot, 'bench', 'results', 'mapi.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    wine.cleanup();
  }
}
