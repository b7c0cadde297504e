// The benchmarks' one sandbox account and the agent's EWS settings for it (NTLM, the password in a file
// beside the settings): bench/throughput.ts, bench/throttle.ts and bench/smtp-in.ts run the same agent.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliveriesWith, type DeliveryLine } from './processes.ts';

export const benchUser = { username: 'BENCH\\notify', password: 'bench-Passw0rd', email: 'notify@bench.test' };

/** The sandbox's users file (root/users.yaml) with the bench account alone; returns its path. */
export async function writeUsersFile(root: string): Promise<string> {
  const file = join(root, 'users.yaml');
  await writeFile(file, `users:\n  - { username: '${benchUser.username}', password: '${benchUser.password}', email: ${benchUser.email} }\n`);
  return file;
}

export interface EwsSettingsParts {
  /** The settings' `message:` value, e.g. `{ charset: utf-8 }`. */
  message: string;
  /** More lines of the `ews:` block (without indentation). */
  ews?: string[];
  /** More top-level YAML after the `ews:` block. */
  tail?: string;
}

/** Writes dir/conf/mail-settings.yaml for the sandbox at `server` (EWS, NTLM, Exchange2016); returns its path. */
export async function writeEwsSettings(dir: string, server: { url: string; ca: string }, parts: EwsSettingsParts): Promise<string> {
  await mkdir(join(dir, 'conf'), { recursive: true });
  await writeFile(join(dir, 'conf', 'password'), benchUser.password, { mode: 0o600 });
  const config = join(dir, 'conf', 'mail-settings.yaml');
  const ews = [`url: ${server.url}`, `username: '${benchUser.username}'`, 'password: { file: ./password }', 'auth: ntlm',
    'version: Exchange2016', `caFile: ${server.ca}`, ...(parts.ews ?? [])];
  await writeFile(config, ['apiVersion: mail-agent/v1', 'kind: MailSettings', 'service: ews', `message: ${parts.message}`,
    'ews:', ...ews.map((line) => `  ${line}`)].join('\n') + '\n' + (parts.tail ?? ''));
  return config;
}

/** Polls the sandbox's deliveries.jsonl until `n` subjects start with `prefix`. */
export async function untilDelivered(dataDir: string, prefix: string, n: number, timeoutMs: number, everyMs: number): Promise<DeliveryLine[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await deliveriesWith(dataDir, prefix);
    if (got.length >= n) return got;
    if (Date.now() > deadline) throw new Error(`${prefix}: ${got.length} of ${n} delivered`);
    await sleep(everyMs);
  }
}
