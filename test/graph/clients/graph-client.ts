// An independent Graph client of the sandbox: Microsoft's @microsoft/microsoft-graph-client, as an app uses
// it. baseUrl points at the sandbox and customHosts names its host (without it the SDK sends the token to
// graph.microsoft.com's hosts only). Run in a child process so NODE_EXTRA_CA_CERTS (the sandbox's CA)
// reaches its fetch. Argument: JSON {origin, token, mailbox, action: json | mime | large | retry, mime?,
// size?}. Prints JSON {ok: true, ...} or {ok: false, statusCode, code}.
import { Client, FileUpload, LargeFileUploadTask, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';

interface Input { origin: string; token: string; mailbox: string; action: 'json' | 'mime' | 'large' | 'retry'; mime?: string; size?: number }

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const client = Client.init({
  authProvider: (done) => { done(null, input.token); },
  baseUrl: `${input.origin}/`,
  customHosts: new Set([new URL(input.origin).hostname]),
  defaultVersion: 'v1.0',
});
const user = `/users/${encodeURIComponent(input.mailbox)}`;
const message = {
  subject: 'Sent by microsoft-graph-client', body: { contentType: 'Text', content: 'from the Graph SDK' },
  toRecipients: [{ emailAddress: { address: 'ops@sandbox.test' } }],
};

try {
  if (input.action === 'json') {
    await client.api(`${user}/sendMail`).post({ message, saveToSentItems: true });
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
  } else if (input.action === 'mime') {
    await client.api(`${user}/sendMail`).header('Content-Type', 'text/plain').post(Buffer.from(input.mime ?? '', 'utf8').toString('base64'));
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
  } else if (input.action === 'retry') {
    // The retry handler (on by default) honours Retry-After; its options say how often.
    await client.api(`${user}/sendMail`).middlewareOptions([new RetryHandlerOptions(1, 3)]).post({ message: { ...message, subject: 'after a 429' } });
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
  } else {
    const draft = await client.api(`${user}/messages`).post({ ...message, subject: 'A large attachment' }) as { id: string };
    const content = Buffer.alloc(input.size ?? 5 * 1024 * 1024, 0x5a);
    const session = await LargeFileUploadTask.createUploadSession(client, `${input.origin}/v1.0${user}/messages/${draft.id}/attachments/createUploadSession`,
      { AttachmentItem: { attachmentType: 'file', name: 'large.bin', size: content.length } });
    const task = new LargeFileUploadTask(client, new FileUpload(content, 'large.bin', content.length), session, { rangeSize: 2 * 1024 * 1024 });
    await task.upload();
    await client.api(`${user}/messages/${draft.id}/send`).post({});
    process.stdout.write(JSON.stringify({ ok: true, draft: draft.id, uploadUrl: session.url }) + '\n');
  }
} catch (err) {
  const e = err as { statusCode?: number; code?: string; message?: string };
  process.stdout.write(JSON.stringify({ ok: false, statusCode: e.statusCode, code: e.code, message: e.message }) + '\n');
}
