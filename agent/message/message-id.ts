// Notification ids: sortable by enqueue time (FIFO is a name sort of the spool), unique across
// processes. The Message-ID is derived from the id, so it is fixed per notification.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function newNotificationId(now: number = Date.now()): string {
  if (now === lastMs) counter += 1;
  else { lastMs = now; counter = 0; }
  return `${now.toString(36).padStart(9, '0')}-${counter.toString(36).padStart(3, '0')}-${randomBytes(5).toString('hex')}`;
}

/** Time encoded in an id (ms since epoch), for the age of the oldest pending notification. */
export function idTime(id: string): number | undefined {
  const ms = parseInt(id.slice(0, 9), 36);
  return Number.isFinite(ms) ? ms : undefined;
}

export function messageIdFor(id: string, domain = 'mail-agent.invalid'): string {
  return `<${id}@${domain}>`;
}
