/**
 * Markdown headings read without regular expressions: the obvious patterns
 * (`/^(#{1,6})\s+(.+?)\s*#*\s*$/`) backtrack polynomially on a line of many spaces, and a
 * 6 KB heading then blocks the event loop for a minute.
 */

const WHITESPACE = /\s/

/** An ATX heading (`## Title ##`): its level and its text, or undefined when the line is not one. */
export function atxHeading(line: string): { level: number; text: string } | undefined {
  let level = 0
  while (level < line.length && line[level] === '#') level++
  if (level === 0 || level > 6 || !WHITESPACE.test(line[level] ?? '')) return undefined
  let text = line.slice(level).trim()
  let end = text.length
  while (end > 0 && text[end - 1] === '#') end--
  // A closing run of `#` counts only after whitespace: "C#" keeps its sharp.
  if (end === 0 || WHITESPACE.test(text[end - 1]!)) text = text.slice(0, end).trimEnd()
  return text === '' ? undefined : { level, text }
}

/** The title of a markdown document: its front matter `title:` or its first level-1 heading. */
export function markdownTitle(text: string): string | undefined {
  const lines = text.split('\n')
  if (lines[0] === '---') {
    const close = lines.indexOf('---', 1)
    const titleLine = lines.slice(1, close < 0 ? 1 : close).find((line) => line.startsWith('title:'))
    const title = titleLine && unquote(titleLine.slice('title:'.length).trim())
    if (title) return title
  }
  for (const line of lines) {
    const heading = atxHeading(line)
    if (heading?.level === 1) return heading.text
  }
  return undefined
}

function unquote(value: string): string {
  const start = value.startsWith('"') || value.startsWith("'") ? 1 : 0
  const end = value.length > start && (value.endsWith('"') || value.endsWith("'")) ? value.length - 1 : value.length
  return value.slice(start, end).trim()
}
