/**
 * The fenced code blocks of a README, so tests run what a reader copies. A block's info string is
 * its language and then tags (```` ```ts host-esm ````): renderers show the language only, tests
 * pick blocks by tag, and `not-runnable` marks a block no test can run (the text around it says why).
 */
import { readFileSync } from 'node:fs'

export interface CodeBlock {
  /** The README it came from and the line of its opening fence (1-based), for failure messages. */
  readonly where: string
  readonly lang: string
  readonly tags: readonly string[]
  readonly code: string
}

/** Every fenced block of a Markdown file, in order. */
export function readmeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const blocks: CodeBlock[] = []
  let open: { line: number; lang: string; tags: string[]; body: string[] } | undefined
  for (const [index, line] of lines.entries()) {
    const fence = /^```(.*)$/.exec(line)
    if (!open && fence) {
      const [lang = '', ...tags] = fence[1]!.trim().split(/\s+/)
      open = { line: index + 1, lang, tags, body: [] }
    } else if (open && line.startsWith('```')) {
      blocks.push({ where: `${file}:${open.line}`, lang: open.lang, tags: open.tags, code: `${open.body.join('\n')}\n` })
      open = undefined
    } else if (open) {
      open.body.push(line)
    }
  }
  if (open) throw new Error(`${file}:${open.line}: code block never closed`)
  return blocks
}

/** The one block of a README carrying `tag`. */
export function taggedBlock(file: string, tag: string): CodeBlock {
  const found = readmeBlocks(file).filter((block) => block.tags.includes(tag))
  if (found.length !== 1) throw new Error(`${file}: expected one code block tagged "${tag}", found ${found.length}`)
  return found[0]!
}
