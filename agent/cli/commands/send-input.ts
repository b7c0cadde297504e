// `send`'s flags turned into a NotificationInput (reading the body from a file or stdin).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { NotificationInput } from '../../message/types.ts';
import type { CliIo } from '../io.ts';

export interface SendFlags {
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  body?: string;
  html?: boolean;
  from?: string;
  attach?: string[];
}

export async function inputFromFlags(flags: SendFlags, io: CliIo): Promise<NotificationInput> {
  if (flags.subject === undefined) throw new AgentError(ErrorCodes.Usage, '--subject is required');
  if (!flags.to?.length && !flags.cc?.length && !flags.bcc?.length) throw new AgentError(ErrorCodes.Usage, 'give at least one recipient with --to (or --cc / --bcc)');
  return {
    to: flags.to ?? [],
    cc: flags.cc ?? [],
    bcc: flags.bcc ?? [],
    subject: flags.subject,
    body: flags.body === undefined ? '' : await readBody(flags.body, io),
    html: flags.html === true,
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    attachments: (flags.attach ?? []).map((path) => ({ path })),
  };
}

async function readBody(source: string, io: CliIo): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = source === '-' ? Buffer.from(await text(io.stdin), 'utf8') : await readFile(resolve(io.cwd, source));
  } catch (err) {
    throw new AgentError(ErrorCodes.MessageInvalid, `body file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AgentError(ErrorCodes.MessageInvalid, 'the body is not valid UTF-8 (give it in UTF-8; it is sent in the configured charset)');
  }
}
