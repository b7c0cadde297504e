// One EWS request: parse, check the requested version and the schema, run the operation, wrap the answer.
import { responseEnvelope } from '../soap/envelope.ts';
import { faultXml, Faults, type Fault } from '../soap/faults.ts';
import { acceptsRequestVersion, type ExchangeVersion } from '../versions.ts';
import { NS } from '../xml/namespaces.ts';
import { child, parseXml, positionOf, XmlSyntaxError, type XmlNode } from '../xml/parse.ts';
import type { OperationContext, OperationHandler } from './context.ts';
import { convertId } from './ops/convert-id.ts';
import { createAttachment } from './ops/create-attachment.ts';
import { createItem } from './ops/create-item.ts';
import { findItem } from './ops/find-item.ts';
import { getFolder } from './ops/get-folder.ts';
import { resolveNames } from './ops/resolve-names.ts';
import { sendItem } from './ops/send-item.ts';
import { internalError } from './responses.ts';
import { checkMarkup, SchemaViolation } from './schema-check.ts';
import { impersonated } from './impersonation.ts';
import type { AppAccess } from '../identity/access-tokens.ts';
import type { Account } from '../users.ts';

export const OPERATIONS: Record<string, OperationHandler> = {
  CreateItem: createItem,
  SendItem: sendItem,
  CreateAttachment: createAttachment,
  GetFolder: getFolder,
  FindItem: findItem,
  ResolveNames: resolveNames,
  ConvertId: convertId,
};

export interface EwsAnswer { status: number; xml: string; operation?: string }

/** Operations on the mailbox itself: with a mailbox version set, they are proxied to a server of that version. */
const MAILBOX_OPERATIONS: ReadonlySet<string> = new Set(['CreateItem', 'SendItem', 'CreateAttachment', 'GetFolder', 'FindItem']);

function fault(f: Fault): EwsAnswer {
  return { status: 500, xml: faultXml(f) };
}

function schemaFault(source: string, why: string, node?: XmlNode): EwsAnswer {
  const at = node ? positionOf(source, node.index) : undefined;
  return fault(Faults.schemaValidation(why, at?.line, at?.column));
}

/** Who asks: an account (Basic, NTLM, a static token), or an app-only token whose request names the mailbox. */
export type EwsCaller = Omit<OperationContext, 'op' | 'account'> & ({ account: Account; app?: undefined } | { account?: undefined; app: AppAccess });

export async function handleEws(source: string, caller: EwsCaller): Promise<EwsAnswer> {
  let doc: XmlNode;
  try {
    doc = parseXml(source);
  } catch (err) {
    if (err instanceof XmlSyntaxError) return fault(Faults.schemaValidation(err.message, err.line, err.column));
    throw err;
  }
  if (doc.ns !== NS.soap || doc.local !== 'Envelope') return schemaFault(source, `The root element must be the SOAP 1.1 Envelope, not '${doc.local}'.`, doc);
  const header = child(doc, NS.soap, 'Header');
  const body = child(doc, NS.soap, 'Body');
  if (!body) return schemaFault(source, 'The SOAP envelope has no Body.', doc);
  const requested = child(header, NS.t, 'RequestServerVersion')?.attrs.get('Version') ?? 'Exchange2007_SP1';
  if (!acceptsRequestVersion(caller.version, requested)) return fault(Faults.invalidServerVersion());
  const acting = caller.app ? impersonated(caller.app, header, caller.directory) : caller.account;
  if ('code' in acting) return fault(acting);
  const base: Omit<OperationContext, 'op'> = { ...caller, account: acting };
  const op = body.children[0];
  try {
    checkMarkup(doc);
    if (!op) return fault(Faults.invalidRequest('The SOAP Body is empty.'));
    const handler = op.ns === NS.m ? OPERATIONS[op.local] : undefined;
    if (!handler) return fault(Faults.invalidRequest(`The operation '${op.local}' is not supported.`));
    const mailboxVersion = base.limits.current.mailboxVersion;
    if (mailboxVersion && MAILBOX_OPERATIONS.has(op.local) && !acceptsRequestVersion(mailboxVersion, requested)) {
      return { ...fault(Faults.invalidSchemaVersionForMailboxVersion()), operation: op.local };
    }
    const inner = await handler({ ...base, op });
    return { status: 200, xml: responseEnvelope(base.version, op.local, inner), operation: op.local };
  } catch (err) {
    if (err instanceof SchemaViolation) return schemaFault(source, err.message, err.node);
    throw err;
  }
}

// Where each operation lists what it acts on (one response message each), and what an error message of it carries.
const ITEM_LISTS: Record<string, { list: string; after: string }> = {
  CreateItem: { list: 'Items', after: '<m:Items/>' },
  SendItem: { list: 'ItemIds', after: '' },
  CreateAttachment: { list: 'Attachments', after: '<m:Attachments/>' },
  GetFolder: { list: 'FolderIds', after: '' },
  FindItem: { list: 'ParentFolderIds', after: '' },
  ConvertId: { list: 'SourceIds', after: '' },
};

/**
 * The `internal200` fault: HTTP 200 in which every item of the request answers ErrorInternalServerError with
 * `innerCode` inside (Microsoft: "HTTP 200 … with an ErrorInternalServerError error code. An inner
 * ErrorServerBusy error code may be present"). Nothing was acted on. Undefined when the request is not one
 * the sandbox can read.
 */
export function internalErrorAnswer(source: string, version: ExchangeVersion, innerCode: string, innerText: string): EwsAnswer | undefined {
  let doc: XmlNode;
  try {
    doc = parseXml(source);
  } catch {
    return undefined;
  }
  const op = child(doc, NS.soap, 'Body')?.children[0];
  if (!op || op.ns !== NS.m) return undefined;
  const shape = ITEM_LISTS[op.local];
  const count = shape ? Math.max(1, child(op, NS.m, shape.list)?.children.length ?? 1) : 1;
  const inner = Array.from({ length: count }, () => internalError(op.local, innerCode, innerText, shape?.after ?? '')).join('');
  return { status: 200, xml: responseEnvelope(version, op.local, inner), operation: op.local };
}
