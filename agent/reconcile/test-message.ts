// The test message that proves a settings change (the seed's "Test Settings" button, sent automatically):
// composed as MIME with the configured message options, naming the host and the short settings digest,
// listing the applied settings without any secret.
import { buffer } from 'node:stream/consumers';
import type { LoadedConfig, Settings } from '../config/settings.ts';
import { checkNotification } from '../message/checks.ts';
import { composeMime } from '../message/compose.ts';
import { messageIdFor, newNotificationId } from '../message/message-id.ts';
import type { OutgoingMessage, TransportInfo } from '../transports/transport.ts';

export interface TestMessageContext {
  host: string;
  now: Date;
  cwd?: string;
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** The applied settings as label/value pairs: references to secrets are named, never resolved. */
export function describeSettings(settings: Settings, info: TransportInfo): [string, string][] {
  const rows: [string, string][] = [['service', settings.service], ['endpoint', info.endpoint]];
  if (info.auth) rows.push(['authentication', info.auth]);
  if (info.account) rows.push(['account', info.account]);
  if (info.serverVersion) rows.push(['server version', `${info.serverVersion}${info.serverBuild ? ` (build ${info.serverBuild})` : ''}`]);
  const ews = settings.ews;
  if (ews) {
    rows.push(['endpoint from', ews.endpointSource], ['requested version', ews.version],
      ['reject invalid certificates', String(ews.rejectInvalidCertificates)], ['save a copy in Sent Items', String(ews.saveCopy)]);
    if (ews.caFile) rows.push(['extra CA file', ews.caFile]);
  }
  const smtp = settings.smtp;
  if (smtp) {
    rows.push(['connection security', smtp.security], ['reject invalid certificates', String(smtp.rejectInvalidCertificates)]);
    if (smtp.caFile) rows.push(['extra CA file', smtp.caFile]);
  }
  if (info.client) rows.push(['MAPI client', info.client]);
  if (info.helper) rows.push(['MAPI helper', info.helper]);
  if (info.store) rows.push(['MAPI store', info.store]);
  if (settings.mapi) rows.push(['MAPI profile', settings.mapi.profile]);
  const m = settings.message;
  rows.push(['From', m.from ?? '(the account\'s own address)'], ['character set', m.charset], ['plain text only', String(m.plainText)],
    ['attachment limit', m.attachmentLimitMB === undefined ? 'none' : `${m.attachmentLimitMB} MB`], ['From delegation', String(m.fromDelegation)]);
  return rows;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function buildTestMessage(config: LoadedConfig, info: TransportInfo, ctx: TestMessageContext): Promise<OutgoingMessage> {
  const { settings } = config;
  const to = settings.test.to;
  if (to === undefined) throw new Error('buildTestMessage: test.to is not set');
  const rows = describeSettings(settings, info);
  const intro = `mail-agent on ${ctx.host} applied new outgoing-mail settings (revision ${config.revision}, settings digest ${config.settingsDigest}) at ${ctx.now.toISOString()}.`;
  const body = settings.message.plainText
    ? [intro, '', ...rows.map(([k, v]) => `${k}: ${v}`)].join('\n') + '\n'
    : `<p>${escapeHtml(intro)}</p>\n<table>\n${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}\n</table>\n`;
  const checked = await checkNotification(
    { to: [to], subject: `mail-agent test from ${ctx.host}: settings ${shortDigest(config.settingsDigest)}`, body, html: !settings.message.plainText },
    settings.message, { cwd: ctx.cwd ?? process.cwd() });
  const messageId = messageIdFor(newNotificationId(ctx.now.getTime()));
  const mime = await buffer(composeMime(checked, { messageId, date: ctx.now }));
  return {
    messageId,
    ...(checked.from ? { from: checked.from.address } : {}),
    to: checked.to.map((a) => a.address), cc: [], bcc: [],
    subject: checked.subject,
    mime,
    parts: { charset: checked.charset, text: checked.text, ...(checked.html !== undefined ? { html: checked.html } : {}), attachments: [] },
  };
}
