// A strict, namespace-aware XML parse into a small tree (saxes: well-formedness and namespace errors are
// fatal, as in Exchange's own parser). Each node keeps its line/column so faults can point at it.
import { SaxesParser } from 'saxes';

export interface XmlNode {
  ns: string;
  local: string;
  attrs: Map<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
  column: number;
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
export function parseXml(source: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlNode[] = [];
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
    const node: XmlNode = { ns: tag.uri, local: tag.local, attrs, children: [], text: '', line: parser.line, column: parser.column };
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
  if (failure) throw failure;
  if (!root) throw new XmlSyntaxError('no root element', 1, 0);
  return root;
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
