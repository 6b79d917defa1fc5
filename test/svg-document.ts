// Parsing an exported SVG strictly (@xmldom/xmldom, any warning or error fails), so tests check that
// a figure is a well-formed SVG document and count the elements it draws.
import { DOMParser } from '@xmldom/xmldom';

export function parseSvg(text: string): Document {
  const fail = (level: string) => (message: string) => {
    throw new Error(`the SVG is not well-formed XML (${level}): ${message}`);
  };
  const document = new DOMParser({ errorHandler: { warning: fail('warning'), error: fail('error'), fatalError: fail('fatal error') } }).parseFromString(text, 'image/svg+xml');
  const root = document.documentElement;
  if (!root || root.tagName !== 'svg' || root.getAttribute('xmlns') !== 'http://www.w3.org/2000/svg') throw new Error('the document is not an SVG');
  return document;
}

/** Elements named `tag` inside the first element of class `className` (the whole document when omitted). */
export function svgElements(document: Document, tag: string, className?: string): Element[] {
  const all = (root: Document | Element, name: string) => Array.from(root.getElementsByTagName(name));
  const root = className ? all(document, 'g').find((g) => (g.getAttribute('class') ?? '').split(' ').includes(className)) : document;
  if (!root) throw new Error(`no group of class "${className}" in the SVG`);
  return all(root, tag);
}

/** The text of the document's `<desc>`, `<title>` or the element of class `className`. */
export function svgText(document: Document, tagOrClass: string): string {
  const byTag = document.getElementsByTagName(tagOrClass)[0];
  const element = byTag ?? Array.from(document.getElementsByTagName('text')).find((t) => t.getAttribute('class') === tagOrClass);
  return element?.textContent ?? '';
}
