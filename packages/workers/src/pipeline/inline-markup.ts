/**
 * Inline Markdown (CommonMark, MyST roles) to the pipeline's text: links, emphasis and roles
 * removed, inline code kept with its backticks (code keeps its case and its shape through the
 * pipeline), and every term the author marked remembered with how it was marked. Every regular
 * expression is linear: each quantified class excludes its own closing delimiter.
 */

/** How the author marked a term: emphasis, a link to a glossary or reference page, or code. */
export type TermMark = 'bold' | 'italic' | 'glossary' | 'code'

export interface MarkedTerm {
  text: string
  mark: TermMark
}

export interface InlineText {
  text: string
  terms: MarkedTerm[]
}

/** Link targets of a glossary or reference page: Carpentries `reference.md#term`, `glossary#…`. */
const GLOSSARY_TARGET = /(?:reference|glossary|terms?)(?:\.\w+)?(?:#|\/#|$)|^#/i

export function inlineText(markdown: string): InlineText {
  const terms: MarkedTerm[] = []
  const mark = (text: string, kind: TermMark) => {
    const clean = collapse(text.replace(/[*_]/g, ''))
    // "**Common mistake:**", "**What is inflation?**": a label or a question set in bold is no term.
    if (clean !== '' && !/[:?]$/.test(clean)) terms.push({ text: clean, mark: kind })
    return text
  }
  // MyST roles first ({term}`pipe`, {ref}`the label<target>`), then code spans are kept as they
  // are: `ls [path]` holds no link and `*.txt` no emphasis.
  const text = markdown
    .replace(/\{(\w[\w:-]*)\}`([^`]*)`/g, (_, role: string, body: string) => {
      const shown = body.replace(/<[^<>]*>\s*$/, '').trim()
      return role === 'term' ? mark(shown, 'glossary') : shown
    })
    .split(/(`[^`]+`)/)
    .map((part, index) => (index % 2 === 1 ? (mark(part.slice(1, -1), 'code'), part) : prose(part, mark)))
    .join('')
  const seen = new Set<string>()
  const unique = terms.filter((term) => {
    const key = `${term.mark}|${term.text}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  return { text: collapse(text), terms: unique }
}

function prose(markdown: string, mark: (text: string, kind: TermMark) => string): string {
  return (
    markdown
      // Images and their alt text say nothing a card should ask, nor does a Pandoc attribute block ("{alt='…'}") after one or a link.
      .replace(/!\[[^[\]]*\]\([^()]*\)(?:\{[^{}]*\})?/g, '')
      .replace(/\[([^[\]]+)\]\(([^()\s]*)(?:\s[^()]*)?\)(?:\{[^{}]*\})?/g, (_, label: string, target: string) => (GLOSSARY_TARGET.test(target) ? mark(label, 'glossary') : label))
      // Reference links [label][ref] and shortcut links [Label] whose definition is elsewhere.
      .replace(/\[([^[\]]+)\]\[[^[\]]*\]/g, '$1')
      .replace(/\[([A-Z][A-Z -]{0,60})\](?![(:])/gi, (_, label: string) => mark(label, 'glossary'))
      .replace(/<\/?(?:kbd|span|em|strong|[bia]|code|sup|sub|br)\b[^>]*>/gi, '')
      .replace(/(\*\*|__)([^*_]+)\1/g, (_, _marker: string, term: string) => mark(term, 'bold'))
      .replace(/(^|[\s(])[*_]([^*_\s][^*_]*)[*_](?=[\s).,;:!?]|$)/g, (_, before: string, term: string) => `${before}${mark(term, 'italic')}`)
      .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
  )
}

/** Text without inline-code backticks: what headings and comparisons read. */
export function withoutBackticks(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1')
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
