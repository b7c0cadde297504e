// Independent SMTP clients for the tests: Python's smtplib (test/helpers/smtplib_client.py, run with
// Debian's /usr/bin/python3) and Debian's swaks. Each runs as its own process against a real port.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './child.ts';

const run = promisify(execFile);

export interface SmtplibRequest {
  host: string;
  port: number;
  starttls?: boolean;
  ca?: string;
  user?: string;
  password?: string;
  /** XOAUTH2: `password` is the access token. */
  mechanism?: 'LOGIN' | 'PLAIN' | 'XOAUTH2';
  from?: string;
  to?: string[];
  message?: string;
  messageBase64?: string;
  mailOptions?: string[];
  commands?: string[];
  messages?: number;
  noSize?: boolean;
}

export interface SmtpReply { code: number; text: string }

export interface SmtplibResult {
  ok?: boolean;
  features?: string[];
  featuresTls?: string[];
  auth?: string;
  size?: string;
  accepted?: number;
  replies: SmtpReply[];
  refused?: Record<string, SmtpReply>;
  error?: { kind: string; code?: number; text: string; recipients?: Record<string, SmtpReply> };
}

export async function smtplib(request: SmtplibRequest): Promise<SmtplibResult> {
  const child = spawn('/usr/bin/python3', [path.join(repoRoot, 'test/helpers/smtplib_client.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  child.stdin.end(JSON.stringify(request));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`smtplib client exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as SmtplibResult;
}

/** swaks with `args`; its transcript (stdout) and exit code (0: sent; 2x: refused at some step). */
export async function swaks(args: readonly string[]): Promise<{ code: number; transcript: string }> {
  try {
    const { stdout } = await run('swaks', ['--timeout', '60', ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, transcript: stdout };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, transcript: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The server's replies in a swaks transcript (lines starting `<-`, `<~`, `<**`, `<~*`), as "code text". */
export function swaksReplies(transcript: string): string[] {
  return transcript.split('\n').filter((l) => /^<[~-]?\*{0,2} /.test(l) || /^<[~*-]/.test(l)).map((l) => l.replace(/^<\S*\s+/, ''));
}
