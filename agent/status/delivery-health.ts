// Trouble that only deliveries reveal, shown on TransportReady: the live transport verified fine when its
// settings were applied, but later sends say its sign-in expired (AuthExpired) or that messages stay in the
// Outbox (StuckInOutbox). The next delivered notification sets it back. Ready is left alone: the revision
// is still the live one, and nothing but the server or the machine needs to change.
import { ErrorCodes } from '../errors.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import { setCondition } from './conditions.ts';
import { findCondition, type StatusDocument } from './model.ts';

const shown: ReadonlySet<string> = new Set([ErrorCodes.AuthExpired, ErrorCodes.StuckInOutbox]);

/** The attempt failed in a way TransportReady shows. */
export function isDeliveryTrouble(entry: NotificationLogEntry): boolean {
  return entry.result !== 'delivered' && entry.code !== undefined && shown.has(entry.code);
}

/** Applies one delivery attempt's outcome; false when the document needs no change. */
export function deliveryOutcome(doc: StatusDocument, entry: NotificationLogEntry, at: string): boolean {
  const current = findCondition(doc, 'TransportReady');
  const observedRevision = current?.observedRevision ?? doc.observedRevision;
  if (entry.result === 'delivered') {
    if (current?.status !== 'False' || !shown.has(current.reason)) return false;
    doc.conditions = setCondition(doc.conditions, { type: 'TransportReady', status: 'True', reason: 'Delivering', message: 'notifications are delivered again', observedRevision }, at);
    return true;
  }
  if (entry.code === undefined || !shown.has(entry.code)) return false;
  const message = entry.reason ?? entry.code;
  if (current?.status === 'False' && current.reason === entry.code && current.message === message) return false;
  doc.conditions = setCondition(doc.conditions, { type: 'TransportReady', status: 'False', reason: entry.code, message, observedRevision }, at);
  return true;
}
