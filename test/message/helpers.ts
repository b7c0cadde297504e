// Compose a notification the way the queue does (checks, then composition) and collect the MIME bytes.
import { buffer } from 'node:stream/consumers';
import type { MessageSettings } from '../../agent/config/settings.ts';
import { checkNotification } from '../../agent/message/checks.ts';
import { composeMime } from '../../agent/message/compose.ts';
import type { NotificationInput } from '../../agent/message/types.ts';

export const utf8Settings: MessageSettings = { charset: 'utf-8', plainText: false, fromDelegation: false };

export async function composeFor(input: NotificationInput, settings: MessageSettings, cwd = process.cwd()): Promise<Buffer> {
  const checked = await checkNotification(input, settings, { cwd });
  return buffer(composeMime(checked, { messageId: '<fixed-id@mail-agent.invalid>', date: new Date('2026-01-02T03:04:05Z') }));
}
