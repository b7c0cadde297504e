// Shared steps of the notification end-to-end tests: start the agent and wait until it is live, queue through
// `mail-agent send`, then watch the sandbox's deliveries.jsonl and the outgoing-notifications log.
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { revisionOf } from '../../agent/config/revision.ts';
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import type { Child } from '../helpers/child.ts';
import { jsonLines, untilFile } from '../helpers/wait.ts';
import type { Delivery, Rig } from '../run/helpers/e2e.ts';

export type { Delivery };

/** Waits, with `mail-agent status --wait` through main() (`cli`) or the shipped CLI, until the settings `text` are
 *  live (Ready); fails with what the CLI said otherwise. */
export async function untilLive(r: Rig, text: string, via: 'cli' | 'shipped'): Promise<void> {
  const res = await r[via](['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
  assert.is(res.code, 0, res.out + res.err);
}

/** Writes settings that keep a copy in Sent Items (saveCopy: the wasSent / FindItem path), starts the agent and
 *  waits until they are live. */
export async function startWithSaveCopy(r: Rig, via: 'cli' | 'shipped'): Promise<Child> {
  const text = await r.write({ ews: '  saveCopy: true\n' });
  const agent = r.startAgent();
  await untilLive(r, text, via);
  return agent;
}

/** Starts the agent (again) on the settings as they are and waits until this process reports Ready. */
export async function startReady(r: Rig): Promise<Child> {
  const agent = r.startAgent();
  await r.untilStatus((d) => d.agent.pid === agent.proc.pid && d.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready');
  return agent;
}

/** Queues one notification through main(); throws with the CLI's output when it is refused. */
export async function sendOne(r: Rig, args: string[]): Promise<{ id: string; messageId: string }> {
  const res = await r.cli(['send', '--state-dir', r.stateDir, '-o', 'json', ...args]);
  if (res.code !== 0) throw new Error(`send exited ${res.code}: ${res.out}${res.err}`);
  return JSON.parse(res.out) as { id: string; messageId: string };
}

/** Queues n notifications with subjects `${prefix} 0` … and returns their Message-IDs in order. */
export async function sendMany(r: Rig, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await sendOne(r, ['--to', 'ops@contoso.test', '--subject', `${prefix} ${i}`])).messageId);
  }
  return ids;
}

export async function deliveries(r: Rig, subjectPrefix = ''): Promise<Delivery[]> {
  return (await r.sandbox.deliveries() as unknown as Delivery[]).filter((d) => d.subject.startsWith(subjectPrefix));
}

/** Waits until `n` messages with the prefix arrived in deliveries.jsonl (or throws after timeoutMs). */
export async function untilDelivered(r: Rig, prefix: string, n: number, timeoutMs = 30_000): Promise<Delivery[]> {
  let got = 0;
  return r.untilDeliveries((list) => {
    const found = list.filter((d) => d.subject.startsWith(prefix));
    got = found.length;
    return found.length >= n ? found : undefined;
  }, () => `${n} '${prefix}' notifications delivered (${got} were)`, timeoutMs);
}

/** Message-IDs seen more than once. */
export function duplicates(list: Delivery[]): string[] {
  const seen = new Set<string>();
  return list.filter((d) => seen.has(d.messageId) || !seen.add(d.messageId)).map((d) => d.messageId);
}

export async function notificationsLog(r: Rig): Promise<NotificationLogEntry[]> {
  return jsonLines<NotificationLogEntry>(await readFile(join(r.stateDir, 'notifications.log'), 'utf8').catch(() => ''));
}

/** Waits until `judge` finds what it looks for in the outgoing-notifications log, and returns that. */
export function untilInLog<T>(r: Rig, judge: (log: NotificationLogEntry[]) => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return untilFile(join(r.stateDir, 'notifications.log'), (text) => judge(jsonLines<NotificationLogEntry>(text)), what, timeoutMs);
}

/** The log's `delivered` line for a Message-ID, once the agent has written it (after the server took it). */
export function untilLogged(r: Rig, messageId: string, timeoutMs = 30_000): Promise<NotificationLogEntry> {
  return untilInLog(r, (log) => log.find((l) => l.messageId === messageId && l.result === 'delivered'), `${messageId} logged as delivered`, timeoutMs);
}

/** The delivered .eml of a message: its first mailbox file (paths may be relative to the data dir). */
export async function emlOf(r: Rig, d: Delivery): Promise<Buffer> {
  const file = d.files[0] ?? '';
  return readFile(file.startsWith('/') ? file : join(r.sandbox.dataDir, file));
}
