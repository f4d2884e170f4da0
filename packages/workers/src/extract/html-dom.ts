/**
 * The page tree as the HTML converter sees it, and the walk that readies it for Readability and
 * turndown (callout boxes marked as fenced divs, `<h1>` levels kept, whitespace folded).
 */

// linkedom's and turndown's declarations name DOM types this package does not load (no DOM lib), so the linter sees them unresolved; the casts to our own Dom* interfaces are what type these values.
export interface DomNode {
  nodeType: number
  nodeName: string
  data: string
  textContent: string | null
  parentNode: DomNode | null
  firstChild: DomNode | null
  nextSibling: DomNode | null
  children: ArrayLike<DomNode>
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
  querySelector(selector: string): DomNode | null
  prepend(...nodes: DomNode[]): void
  append(...nodes: DomNode[]): void
  replaceWith(...nodes: DomNode[]): void
}

export interface DomDocument {
  querySelector(selector: string): DomNode | null
  createElement(name: string): DomNode
}

/**
 * Carpentries callout classes, most specific first: a `<div class="callout keypoints">` is a
 * key-points box, a plain `<div class="callout">` a callout.
 */
const CALLOUTS = [
  'keypoints',
  'key-points',
  'takeaways',
  'challenge',
  'solution',
  'objectives',
  'questions',
  'testimonial',
  'instructor',
  'instructor-note',
  'discussion',
  'prereq',
  'checklist',
  'callout',
  'admonition',
  'note',
  'tip',
  'hint',
  'important',
  'warning',
  'caution',
]
/** Set on every `<h1>` before Readability makes it an `<h2>`. */
export const H1_MARK = 'data-flashcards-h1'
const ELEMENT_NODE = 1
const TEXT_NODE = 3

/** An element's classes (`className` is no string on SVG elements). */
export function classesOf(element: DomNode | null | undefined): string[] {
  const value = element?.getAttribute('class')
  return value ? value.split(/\s+/) : []
}

export function calloutName(element: DomNode): string | undefined {
  const classes = new Set(classesOf(element))
  if (classes.size === 0) return undefined
  return CALLOUTS.find((name) => classes.has(name))
}

/**
 * One walk over the tree before Readability and turndown see it:
 * - every callout box gets fenced-div markers (`::::: keypoints` … `:::::`) as paragraphs of its
 *   own. They survive what Readability does to boxes (it replaces a `<div>` holding one `<p>`
 *   with that `<p>`, class and all) and come out of turndown as the lines the pipeline reads;
 * - `<h1>` remembers its level;
 * - text outside `<pre>` has every whitespace run (no-break spaces too) made one space, so no
 *   long run reaches turndown's final trim, and NUL characters (the code placeholders) dropped.
 * Iterative: the tree may be `HTML_LIMITS.maxDepth` deep.
 */
export function prepare(document: DomDocument, root: DomNode): void {
  const paragraph = (text: string) => {
    const element = document.createElement('p')
    element.textContent = text
    return element
  }
  const stack: DomNode[] = [root]
  while (stack.length > 0) {
    let node = stack.pop()!
    if (node.nodeType === TEXT_NODE) {
      const text = node.data
      const clean = text.replace(/\s+/g, ' ').replaceAll('\u0000', '')
      // Assigned only when changed: linkedom's setter costs far more than the comparison.
      if (clean !== text) node.data = clean
      continue
    }
    // Code keeps its whitespace; nothing else in `<pre>` needs preparing.
    if (node.nodeType !== ELEMENT_NODE || node.nodeName === 'PRE') continue
    const box = calloutName(node)
    if (box) {
      node.prepend(paragraph(`::::: ${box}`))
      node.append(paragraph(':::::'))
      // Readability drops every <aside>; a box the author classed as a callout is lesson text.
      if (node.nodeName === 'ASIDE') node = asDiv(document, node)
    }
    if (node.nodeName === 'H1') node.setAttribute(H1_MARK, '')
    for (let child = node.firstChild; child; child = child.nextSibling) stack.push(child)
  }
}

/** The element's children moved into a `<div>` of the same classes that takes its place. */
function asDiv(document: DomDocument, element: DomNode): DomNode {
  const div = document.createElement('div')
  div.setAttribute('class', element.getAttribute('class') ?? '')
  while (element.firstChild) div.append(element.firstChild)
  element.replaceWith(div)
  return div
}
