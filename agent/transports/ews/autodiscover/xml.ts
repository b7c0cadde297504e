// Autodiscover answers read with saxes (strict, namespace-aware) into a small tree: elements by local name
// and namespace, text trimmed. An answer that is not well-formed XML is not an Autodiscover answer.
import { SaxesParser } from 'saxes';

export interface Element {
  ns: string;
  name: string;
  children: Element[];
  text: string;
}

/** The document's root, or undefined when `text` is not well-formed XML. */
export function readXml(text: string): Element | undefined {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Element[] = [];
  let root: Element | undefined;
  let failed = false;
  parser.on('error', () => { failed = true; });
  parser.on('opentag', (tag) => {
    const element: Element = { ns: tag.uri, name: tag.local, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  parser.on('text', (value) => {
    const top = stack.at(-1);
    if (top) top.text += value;
  });
  parser.on('closetag', () => { stack.pop(); });
  try {
    parser.write(text).close();
  } catch {
    return undefined;
  }
  return failed ? undefined : root;
}

/** The first child with this local name (and namespace, when given). */
export function childOf(element: Element | undefined, name: string, ns?: string): Element | undefined {
  return element?.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

export function childrenOf(element: Element | undefined, name: string): Element[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

export function textOf(element: Element | undefined): string | undefined {
  const value = element?.text.trim();
  return value === '' ? undefined : value;
}
