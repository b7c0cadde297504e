// Shared by the tests of the sandbox's Exchange limits: its delivery and throttling logs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

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
