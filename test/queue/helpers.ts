// Queue test helpers: a spool in a temp state dir, and notifications submitted through the real path.
import type { MessageSettings } from '../../agent/config/settings.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { submitNotification, type Submitted } from '../../agent/queue/submit.ts';

export const settings: MessageSettings = { charset: 'utf-8', plainText: false, fromDelegation: false };

export async function submitMany(spool: Spool, n: number, prefix = 'n'): Promise<Submitted[]> {
  const out: Submitted[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await submitNotification(spool, { to: [`ops${i}@contoso.com`], subject: `${prefix} ${i}`, body: `body ${i}` }, settings, { cwd: process.cwd() }));
  }
  return out;
}

export { Spool };
