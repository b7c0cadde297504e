// Shared by the sandbox tests: a sandbox in a temp dir, and raw SOAP posts over HTTPS trusting its CA.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../agent/sandbox/index.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export { ewsSamplesDir as samplesDir } from '../helpers/ews-schema.ts';

export interface TestSandbox extends Sandbox {
  /** The lines of deliveries.jsonl so far. */
  deliveriesList(): Promise<{ time: string; subject: string; messageId: string; to: string[]; bcc: string[]; files: string[] }[]>;
  cleanup(): Promise<void>;
}

export async function tempSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? await mkdtemp(path.join(tmpdir(), 'sandbox-test-'));
  const sandbox = await startSandbox({ ...options, dataDir });
  return {
    ...sandbox,
    deliveriesList: async () => {
      const text = await readFile(path.join(dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Awaited<ReturnType<TestSandbox['deliveriesList']>>[number]);
    },
    cleanup: async () => {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const basicAuth = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
export const DEFAULT_AUTH = basicAuth('SANDBOX\\notify', 'sandbox');

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export function post(sandbox: Sandbox, body: string | Buffer, headers: Record<string, string> = { authorization: DEFAULT_AUTH }, url = sandbox.url, method = 'POST'): Promise<Reply> {
  const send = url.startsWith('https:') ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, ca: sandbox.caPem, agent: false, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ENV_HEAD = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">';

/** A request envelope around `body`, asking for `version`. */
export function soap(body: string, version = 'Exchange2013'): string {
  return `${ENV_HEAD}<soap:Header><t:RequestServerVersion Version="${version}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export function createItem(message: string, disposition = 'SendOnly', extra = ''): string {
  return `<m:CreateItem MessageDisposition="${disposition}">${extra}<m:Items><t:Message>${message}</t:Message></m:Items></m:CreateItem>`;
}
