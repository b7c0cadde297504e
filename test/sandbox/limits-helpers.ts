// Shared by the tests of the sandbox's Exchange limits: its delivery and throttling logs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sandbox } from '../../agent/sandbox/index.ts';
import { post } from './helpers.ts';

export interface Delivery { time: string; subject: string; messageId: string; to: string[]; cc: string[]; bcc: string[]; files: string[] }

export interface ThrottleEvent {
  time: string;
  event: 'advised' | 'early' | 'refused' | 'stopped';
  account: string;
  code?: string;
  backoffMs?: number;
  violation?: boolean;
  items?: number;
}

export async function readThrottleLog(sandbox: { dataDir: string }): Promise<ThrottleEvent[]> {
  const text = await readFile(path.join(sandbox.dataDir, 'throttle.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ThrottleEvent);
}

/** Messages in the sandbox's Outbox not yet delivered or not yet in Sent Items (GET /sandbox/limits). */
export async function outboxWaiting(sandbox: Sandbox): Promise<number> {
  const res = await post(sandbox, '', {}, sandbox.url.replace('/EWS/Exchange.asmx', '/sandbox/limits'), 'GET');
  return (JSON.parse(res.body) as { outboxWaiting: number }).outboxWaiting;
}
