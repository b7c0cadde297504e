// EWS and Autodiscover answers read with saxes (strict) into a small tree: elements by local name (and
// namespace, when read with namespaces), their attributes by local name, text trimmed. Used where an answer
// is small or rare (Autodiscover, a SOAP fault, the envelope check of what goes to ews-javascript-api); the
// CreateItem/FindItem answers of every send are streamed instead (response-messages.ts).
import { SaxesParser, type SaxesTagPlain } from 'saxes';

export interface Element {
  /** The namespace URI; '' when read without namespaces. */
  ns: string;
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: Element[];
  text: string;
}

export interface XmlRead {
  root: Element | undefined;
  /** No well-formedness (or, with namespaces, namespace) error anywhere. */
  wellFormed: boolean;
  /** The root element's end tag was read: the document was not cut short. */
  complete: boolean;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * The document as far as it could be read. Without `namespaces`, prefixes are dropped and never checked:
 * Exchange's faults use prefixes they do not always declare (a tolerant reader, as the library is).
 */
export function readXmlTree(text: string, options: { namespaces?: boolean } = {}): XmlRead {
  const namespaces = options.namespaces ?? true;
  const parser = new SaxesParser({ xmlns: namespaces });
  const stack: Element[] = [];
  let root: Element | undefined;
  let wellFormed = true;
  let complete = false;
  parser.on('error', () => { wellFormed = false; });
  parser.on('opentag', (tag) => {
    const attributes = new Map<string, string>();
    for (const [name, value] of Object.entries((tag as SaxesTagPlain).attributes)) {
      attributes.set(localName(name), typeof value === 'string' ? value : (value as { value: string }).value);
    }
    const element: Element = namespaces
      ? { ns: tag.uri ?? '', name: tag.local ?? localName(tag.name), attributes, children: [], text: '' }
      : { ns: '', name: localName(tag.name), attributes, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  parser.on('text', (value) => {
    const top = stack.at(-1);
    if (top) top.text += value;
  });
  parser.on('closetag', () => {
    stack.pop();
    if (stack.length === 0) complete = true;
  });
  try {
    parser.write(text).close();
  } catch {
    wellFormed = false;
  }
  return { root, wellFormed, complete };
}

/** The document's root, or undefined when `text` is not well-formed XML (with namespaces). */
export function readXml(text: string): Element | undefined {
  const read = readXmlTree(text);
  return read.wellFormed ? read.root : undefined;
}

/** The first child with this local name (and namespace, when given). */
export function childOf(element: Element | undefined, name: string, ns?: string): Element | undefined {
  return element?.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

export function childrenOf(element: Element | undefined, name: string): Element[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** Every element with this local name below `element`, in document order. */
export function descendantsOf(element: Element | undefined, name: string): Element[] {
  if (!element) return [];
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendantsOf(c, name)]);
}

export function textOf(element: Element | undefined): string | undefined {
  const value = element?.text.trim();
  return value === '' ? undefined : value;
}
