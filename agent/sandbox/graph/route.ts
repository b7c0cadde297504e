// Graph v1.0 on the sandbox's port (https://HOST:PORT/v1.0/...), the mail part an app-only sender uses:
//   POST   users/{id}/sendMail                                   JSON or MIME               Mail.Send
//   POST   users/{id}/messages                                   a draft, JSON or MIME      Mail.ReadWrite
//   GET    users/{id}/messages/{mid}  ($select)                                             Mail.ReadBasic, Mail.Read(Write)
//   DELETE users/{id}/messages/{mid}                                                        Mail.ReadWrite
//   POST   users/{id}/messages/{mid}/attachments                 a file attachment < 3 MB   Mail.ReadWrite
//   POST   users/{id}/messages/{mid}/attachments/createUploadSession                        Mail.ReadWrite
//   POST   users/{id}/messages/{mid}/send                                                   Mail.Send
//   GET    users/{id}/mailFolders/{drafts|sentitems}/messages ($filter, $select, $top)      Mail.ReadBasic, ...
// Each request: an app-only token for Graph (401 otherwise), a mailbox of the app's tenant within its RBAC
// scope and a permission the operation needs (403 ErrorAccessDenied), at most four requests at once per app
// and mailbox (429 ApplicationThrottled, Retry-After), a body of at most 4 MB (413), then injected faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GRAPH_AUDIENCE, type AppAccess } from '../identity/access-tokens.ts';
import { inScope } from '../identity/apps.ts';
import { BodyTooLarge, readBody } from '../http/body.ts';
import { sendInjectedGraph } from './faults.ts';
import { findMailbox, type GraphRequest, type GraphState } from './context.ts';
import { addAttachment, createDraft, createUploadSession, deleteMessage, getMessage, listFolder } from './drafts.ts';
import { Errors, GraphFailure, sendError } from './odata.ts';
import { sendDraft, sendMail } from './send.ts';

export const MAX_REQUEST = 4 * 1024 * 1024;

const READ = ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];
const WRITE = ['Mail.ReadWrite'];
const SEND = ['Mail.Send'];

interface Operation { roles: readonly string[]; run: (g: GraphRequest) => Promise<void> | void }

/** The operation a method and path (after users/{id}) name, or undefined. */
function operationOf(method: string, rest: string[], uploadOrigin: string): Operation | undefined {
  const [a, b, c, d] = rest.map((s) => s.toLowerCase());
  const id = rest[1] ?? '';
  if (method === 'POST' && a === 'sendmail' && rest.length === 1) return { roles: SEND, run: sendMail };
  if (a === 'messages') {
    if (rest.length === 1 && method === 'POST') return { roles: WRITE, run: createDraft };
    if (rest.length === 2 && method === 'GET') return { roles: READ, run: (g) => getMessage(g, id) };
    if (rest.length === 2 && method === 'DELETE') return { roles: WRITE, run: (g) => deleteMessage(g, id) };
    if (rest.length === 3 && c === 'send' && method === 'POST') return { roles: SEND, run: (g) => sendDraft(g, id) };
    if (rest.length === 3 && c === 'attachments' && method === 'POST') return { roles: WRITE, run: (g) => addAttachment(g, id) };
    if (rest.length === 4 && c === 'attachments' && (d === 'createuploadsession' || d === 'microsoft.graph.createuploadsession') && method === 'POST') {
      return { roles: WRITE, run: (g) => createUploadSession(g, id, uploadOrigin) };
    }
  }
  if (a === 'mailfolders' && rest.length === 3 && c === 'messages' && method === 'GET' && b !== undefined) return { roles: READ, run: (g) => listFolder(g, rest[1] ?? '') };
  return undefined;
}

/** Exchange Online's upload URLs live on another host than Graph: here, the other loopback name. */
function uploadOriginOf(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  const port = /:(\d+)$/.exec(host)?.[1];
  const name = host.startsWith('localhost') ? '127.0.0.1' : 'localhost';
  return `https://${name}${port ? `:${port}` : ''}`;
}

async function authorize(state: GraphState, req: IncomingMessage): Promise<AppAccess> {
  const header = req.headers.authorization ?? '';
  if (!/^bearer\s+\S/i.test(header)) throw new GraphFailure(Errors.noToken());
  const checked = await state.credentials.bearer(header.replace(/^bearer\s+/i, '').trim(), GRAPH_AUDIENCE);
  if (checked.kind === 'app') return checked.access;
  if (checked.kind === 'refused' && checked.why === 'expired') throw new GraphFailure(Errors.expired());
  if (checked.kind === 'refused' && checked.why === 'audience') throw new GraphFailure(Errors.badToken('Invalid audience.'));
  throw new GraphFailure(Errors.badToken('The token is not one of this identity platform\'s, or its signature does not verify.'));
}

/** /v1.0/... */
export async function handleGraph(state: GraphState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://sandbox.local');
  const segments = path.split('/').filter(Boolean).slice(1).map((s) => decodeURIComponent(s));
  let release = (): void => undefined;
  try {
    const access = await authorize(state, req);
    if (segments[0]?.toLowerCase() !== 'users' || !segments[1]) throw new GraphFailure(Errors.unsupported(`${req.method ?? ''} ${path}`));
    const userId = segments[1];
    const rest = segments.slice(2);
    const account = findMailbox(state.directory, userId);
    if (!account || account.email.split('@')[1] !== access.app.tenant.domain) throw new GraphFailure(Errors.invalidUser(userId));
    const op = operationOf(req.method ?? 'GET', rest, uploadOriginOf(req));
    if (!op) throw new GraphFailure(Errors.unsupported(`${req.method ?? ''} ${path}`));
    if (!op.roles.some((r) => access.roles.has(r)) || !inScope(access.app, account.email)) throw new GraphFailure(Errors.accessDenied());
    const key = `${access.app.clientId}|${account.email}`;
    const running = state.inFlight.get(key) ?? 0;
    if (running >= state.mailboxConcurrency) throw new GraphFailure(Errors.throttled(1, 'MailboxConcurrency'));
    state.inFlight.set(key, running + 1);
    let released = false;
    release = () => {
      if (released) return;
      released = true;
      const left = (state.inFlight.get(key) ?? 1) - 1;
      if (left > 0) state.inFlight.set(key, left);
      else state.inFlight.delete(key);
    };
    res.once('close', release);
    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST);
    } catch (err) {
      if (err instanceof BodyTooLarge) throw new GraphFailure(Errors.tooLarge());
      throw err;
    }
    const injected = state.faults.next(path);
    if (injected && injected.kind !== 'reset' && injected.kind !== 'badxml') return sendInjectedGraph(req, res, injected.kind, injected.backoffMs, state.now());
    const g: GraphRequest = { state, req, res, access, account, userId, rest, query: url.searchParams, body };
    if (injected) {
      // reset and badxml strike after the operation ran: the message went out, the client never learns it.
      await op.run({ ...g, res: swallowing(res) });
      return sendInjectedGraph(req, res, injected.kind, injected.backoffMs, state.now());
    }
    await op.run(g);
  } catch (err) {
    if (err instanceof GraphFailure) return sendError(req, res, err.error, state.now());
    throw err;
  } finally {
    if (res.writableEnded) release();
  }
}

/** A response that records nothing: the real one is cut off by the injected fault. */
function swallowing(res: ServerResponse): ServerResponse {
  const fake = Object.create(res) as ServerResponse;
  fake.writeHead = () => fake;
  fake.end = () => fake;
  return fake;
}
