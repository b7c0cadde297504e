// FolderShape / ItemShape: BaseShape (IdOnly, Default, AllProperties) and the AdditionalProperties'
// FieldURIs. What each base shape holds is the operation's business.
import { NS } from '../../xml/namespaces.ts';
import { child, type XmlNode } from '../../xml/parse.ts';
import { SchemaViolation } from '../schema-check.ts';

export interface Shape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  /** FieldURI values asked for besides the base shape, e.g. folder:FolderClass, message:InternetMessageId */
  additional: ReadonlySet<string>;
}

export function shapeOf(op: XmlNode, element: 'FolderShape' | 'ItemShape'): Shape {
  const shape = child(op, NS.m, element);
  const baseNode = child(shape, NS.t, 'BaseShape');
  if (!shape || !baseNode) throw new SchemaViolation(`The element '${op.local}' in namespace '${NS.m}' has incomplete content. List of possible elements expected: '${element}'.`, shape ?? op);
  const base = baseNode.text.trim();
  if (base !== 'IdOnly' && base !== 'Default' && base !== 'AllProperties') {
    throw new SchemaViolation(`The 'BaseShape' element is invalid - The value '${base}' is invalid according to its datatype '${NS.t}:DefaultShapeNamesType' - The Enumeration constraint failed.`, baseNode);
  }
  const fields = child(shape, NS.t, 'AdditionalProperties')?.children ?? [];
  return { base, additional: new Set(fields.map((f) => f.attrs.get('FieldURI') ?? '').filter(Boolean)) };
}
