// A strict, namespace-aware XML parse into a small tree (saxes: well-formedness and namespace errors are
// fatal, as in Exchange's own parser). Tracking positions doubles saxes' cost, so the fast parse numbers
// the elements instead, and positionOf() re-parses with positions only when a fault needs one.
import { SaxesParser } from 'saxes';

export interface XmlNode {
  ns: string;
  local: string;
  attrs: Map<string, string>;
  children: XmlNode[];
  text: string;
  /** Document order of the element (0 = root). */
  index: number;
}

export class XmlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
    this.name = 'XmlSyntaxError';
  }
}

/** Parses a whole document; throws XmlSyntaxError when it is not well-formed. */
export function parseXml(source: string, onElement?: (node: XmlNode, line: number, column: number) => void): XmlNode {
  const positions = onElement !== undefined;
  const parser = new SaxesParser({ xmlns: true, position: positions });
  const stack: XmlNode[] = [];
  let count = 0;
  let root: XmlNode | undefined;
  let failure: XmlSyntaxError | undefined;
  parser.on('error', (err) => {
    failure ??= new XmlSyntaxError(err.message, parser.line, parser.column);
  });
  parser.on('opentag', (tag) => {
    const attrs = new Map<string, string>();
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
      attrs.set(attr.uri ? `{${attr.uri}}${attr.local}` : attr.local, attr.value);
    }
    const node: XmlNode = { ns: tag.uri, local: tag.local, attrs, children: [], text: '', index: count++ };
    onElement?.(node, parser.line, parser.column);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('closetag', () => { stack.pop(); });
  try {
    parser.write(source).close();
  } catch (err) {
    failure ??= new XmlSyntaxError(err instanceof Error ? err.message : 'malformed XML', parser.line, parser.column);
  }
  if (failure) {
    // Without position tracking saxes cannot say where: parse again with it for the fault's sake.
    if (!positions) parseXml(source, () => undefined);
    throw failure;
  }
  if (!root) throw new XmlSyntaxError('no root element', 1, 0);
  return root;
}

/** Line and column of the element with this document index (a second, position-tracking parse). */
export function positionOf(source: string, index: number): { line: number; column: number } | undefined {
  let found: { line: number; column: number } | undefined;
  parseXml(source, (node, line, column) => {
    if (node.index === index) found = { line, column };
  });
  return found;
}

export function child(node: XmlNode | undefined, ns: string, local: string): XmlNode | undefined {
  return node?.children.find((c) => c.local === local && c.ns === ns);
}

export function childrenNamed(node: XmlNode | undefined, ns: string, local: string): XmlNode[] {
  return node ? node.children.filter((c) => c.local === local && c.ns === ns) : [];
}

export function textOf(node: XmlNode | undefined): string | undefined {
  return node?.text.trim();
}
