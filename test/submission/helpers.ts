// Shared by the submission-port tests: the `submission:` section for the rig's settings, waiting for the
// port in the status file, and messages as an SMTP client would write them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatusDocument } from '../../agent/status/model.ts';
import type { Rig } from '../run/helpers/e2e.ts';

export function submissionSection(lines = ''): string {
  return `submission:\n  listen: 127.0.0.1:0\n${lines}`;
}

/** The port the agent picked, once the status file says it listens (for `listen`, and by agent `pid`, when given). */
export async function listeningPort(r: Rig, listen?: string, pid?: number): Promise<number> {
  const doc = await r.untilStatus((d: StatusDocument) => d.submission?.state === 'Listening' && (listen === undefined || d.submission.listen === listen)
    && (pid === undefined || d.agent.pid === pid), 'the submission port listening', 30_000);
  return Number(doc.submission!.address!.split(':').at(-1));
}

let counter = 0;

/** A plain message with a Message-ID of its own (returned), CRLF line ends. */
export function mimeMessage(options: { from?: string; to?: string; headers?: string; body?: string; subject?: string } = {}): { id: string; raw: string } {
  counter += 1;
  const id = `<sub-${process.pid}-${counter}@client.test>`;
  const raw = [
    ...(options.from === '' ? [] : [`From: ${options.from ?? 'svc-notify@contoso.test'}`]),
    `To: ${options.to ?? 'ops@contoso.test'}`,
    `Subject: ${options.subject ?? `submitted ${counter}`}`,
    `Message-ID: ${id}`,
    ...(options.headers ? [options.headers] : []),
    '',
    options.body ?? 'Disk almost full on db-01',
    '',
  ].join('\r\n');
  return { id, raw };
}

/** The Message-IDs waiting in the spool (the meta line of each pending file). */
export async function queuedMessageIds(r: Rig): Promise<string[]> {
  const dir = join(r.stateDir, 'spool', 'pending');
  const names = await readdir(dir).catch(() => []);
  const metas = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8').catch(() => '')));
  return metas.filter(Boolean).map((text) => (JSON.parse(text.slice(0, text.indexOf('\n'))) as { messageId: string }).messageId);
}
