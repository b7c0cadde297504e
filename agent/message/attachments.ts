// Attachment checks from the file system's metadata only: a 200 MB file over the limit is refused from
// its size without being read. Only the base name of a path goes into the message (no traversal).
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { detectMimeType } from 'nodemailer/lib/mime-funcs';
import { AgentError, ErrorCodes } from '../errors.ts';
import { assertHeaderText } from './header-safety.ts';
import type { AttachmentInput, CheckedAttachment } from './types.ts';

const MB = 1024 * 1024;

export async function checkAttachments(inputs: readonly AttachmentInput[], cwd: string, limitMB: number | undefined): Promise<CheckedAttachment[]> {
  const out: CheckedAttachment[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input.path);
    const filename = basename(path);
    assertHeaderText('attachment name', filename);
    if (input.contentType !== undefined) assertHeaderText('attachment type', input.contentType);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new AgentError(ErrorCodes.MessageInvalid, `attachment '${filename}' is not a regular file`);
      size = info.size;
    } catch (err) {
      if (err instanceof AgentError) throw err;
      throw new AgentError(ErrorCodes.MessageInvalid, `attachment '${filename}' cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    out.push({ path, filename, contentType: input.contentType ?? detectMimeType(filename), size });
  }
  assertWithinLimit(out, limitMB);
  return out;
}

export function assertWithinLimit(attachments: readonly CheckedAttachment[], limitMB: number | undefined): void {
  if (limitMB === undefined) return;
  const total = attachments.reduce((sum, a) => sum + a.size, 0);
  if (total > limitMB * MB) {
    throw new AgentError(ErrorCodes.AttachmentLimitExceeded,
      `attachments total ${formatMB(total, Math.ceil)} MB exceed the ${formatMB(limitMB * MB, Math.round)} MB limit`);
  }
}

/** One decimal; the total rounds up so an excess never prints as equal to the limit. */
function formatMB(bytes: number, round: (x: number) => number): string {
  return String(round((bytes / MB) * 10) / 10);
}
