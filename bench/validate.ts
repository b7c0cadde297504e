// `mail-agent validate` over 1,000 settings files in one process, as a merge-request check of a
// repository of many servers' settings would run it. Reports the median ms per file over a few
// repetitions, after one warm-up run (which pays the one-time schema compile, reported apart).
// Run (after npm run build): node --import tsx bench/validate.ts   → bench/results/validate.json
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../agent/cli/io.ts';

// The compiled CLI (`npm run build` first), as users run it.
const compiled = '../dist/agent/cli/main.js';
const { main } = (await import(compiled)) as typeof import('../agent/cli/main.ts');

const fileCount = 1000;
const repetitions = 7;

function settingsFile(i: number): string {
  const endpoint = ['url: https://mail%.contoso.com/EWS/Exchange.asmx', 'server: mail%.contoso.com', 'autodiscover: svc%@contoso.com'][i % 3]?.replace('%', String(i));
  const invalid = i % 10 === 9 ? '  auth: kerberos\n' : ''; // one in ten has an error to report
  return `# yaml-language-server: $schema=../schemas/mail-settings.schema.json
apiVersion: mail-agent/v1
kind: MailSettings
service: ews
message:
  from: helpdesk${i}@contoso.com
  charset: ${i % 2 ? 'utf-8' : 'windows-1252'}
  plainText: ${i % 4 === 0}
  attachmentLimitMB: ${1 + (i % 20)}
ews:
  ${endpoint}
  username: CONTOSO\\svc-notify-${i}
  password: { file: /run/secrets/ews-password-${i} }
  version: ${i % 5 ? 'auto' : 'Exchange2016'}
${invalid}test:
  to: ops${i}@contoso.com
`;
}

function sinkIo(): CliIo {
  const sink = () => new Writable({ write(_chunk, _enc, done) { done(); } });
  return { stdout: sink(), stderr: sink(), stdin: process.stdin, env: {}, cwd: process.cwd() };
}

async function timeRun(files: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  const code = await main(['validate', ...files], sinkIo());
  if (code !== 1) throw new Error(`expected exit 1 (some files invalid), got ${code}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const dir = await mkdtemp(join(tmpdir(), 'bench-validate-'));
try {
  const files = Array.from({ length: fileCount }, (_, i) => join(dir, `server-${i}.yaml`));
  await Promise.all(files.map((file, i) => writeFile(file, settingsFile(i))));
  const warmUpMs = await timeRun(files);
  const runsMs: number[] = [];
  for (let r = 0; r < repetitions; r++) runsMs.push(await timeRun(files));
  const median = [...runsMs].sort((a, b) => a - b)[Math.floor(repetitions / 2)] ?? NaN;
  const result = {
    benchmark: 'mail-agent validate, 1,000 files in one process (10% invalid), text output',
    files: fileCount, repetitions, node: process.version,
    msPerFile: Number((median / fileCount).toFixed(4)),
    medianRunMs: Number(median.toFixed(1)),
    warmUpRunMs: Number(warmUpMs.toFixed(1)),
    runsMs: runsMs.map((ms) => Number(ms.toFixed(1))),
    targetMsPerFile: 1,
    // The machine is shared: a load average above its core count inflates the figures.
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    at: new Date().toISOString(),
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/validate.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
