// One EWS request: parse, check the requested version and the schema, run the operation, wrap the answer.
import { responseEnvelope } from '../soap/envelope.ts';
import { faultXml, Faults, type Fault } from '../soap/faults.ts';
import { acceptsRequestVersion } from '../versions.ts';
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
    const inner = await handler({ ...base, op });
    return { status: 200, xml: responseEnvelope(base.version, op.local, inner), operation: op.local };
  } catch (err) {
    if (err instanceof SchemaViolation) return schemaFault(source, err.message, err.node);
    throw err;
  }
}
