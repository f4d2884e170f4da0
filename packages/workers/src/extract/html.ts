const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'blockquote', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tr', 'ul', 'ol', 'dl', 'dt', 'dd', 'hr', 'address', 'details', 'summary',
])
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'nav', 'form', 'button'])

interface DomNode {
  nodeType: number
  nodeName: string
  textContent: string | null
  childNodes: ArrayLike<DomNode>
  parentNode?: DomNode | null
}

/**
 * Renders an HTML fragment as markdown-flavoured text: headings keep their `#` level, list items
 * their bullet, code blocks their fence, so the generator sees the document's structure.
 */
export function htmlToText(root: DomNode): string {
  const out: string[] = []
  const walk = (node: DomNode): void => {
    if (node.nodeType === 3) {
      out.push((node.textContent ?? '').replace(/\s+/g, ' '))
      return
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return
    const tag = node.nodeName.toLowerCase()
    if (SKIPPED.has(tag)) return
    const heading = /^h([1-6])$/.exec(tag)
    if (heading) {
      out.push(`\n\n${'#'.repeat(Number(heading[1]))} ${(node.textContent ?? '').replace(/\s+/g, ' ').trim()}\n\n`)
      return
    }
    if (tag === 'pre') {
      out.push(`\n\n\`\`\`\n${(node.textContent ?? '').replace(/(?<!\n)\n+$/, '')}\n\`\`\`\n\n`)
      return
    }
    if (tag === 'br') {
      out.push('\n')
      return
    }
    if (tag === 'li') {
      const ordered = node.parentNode?.nodeName.toLowerCase() === 'ol'
      out.push(`\n${ordered ? '1.' : '-'} `)
    } else if (tag === 'td' || tag === 'th') {
      out.push(' | ')
    } else if (BLOCKS.has(tag)) {
      out.push('\n\n')
    }
    for (let i = 0; i < node.childNodes.length; i++) walk(node.childNodes[i]!)
    if (BLOCKS.has(tag)) out.push('\n\n')
  }
  walk(root)
  return out
    .join('')
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+(?=\S)/g, (match) => (match.includes('|') ? match : '\n'))
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** The main content of a web page (navigation, footers and scripts dropped) as structured text, and its title. */
export async function extractHtml(html: string): Promise<{ text: string; title?: string }> {
  // Loaded on the first HTML file, not with the worker.
  const [{ Readability }, { parseHTML }] = await Promise.all([import('@mozilla/readability'), import('linkedom')])
  const { document } = parseHTML(html)
  const pageTitle = document.title?.trim() || undefined
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 0 }).parse()
  if (article?.content) {
    const { document: fragment } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`)
    const text = htmlToText(fragment.body as unknown as DomNode)
    if (text !== '') return { text, title: article.title?.trim() || pageTitle }
  }
  // Readability has rewritten `document` by now: fall back on a fresh parse of the whole page.
  const { document: whole } = parseHTML(html)
  return { text: htmlToText((whole.body ?? whole) as unknown as DomNode), title: pageTitle }
}
