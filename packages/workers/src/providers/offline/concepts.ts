import type { Chunk } from '../../pipeline/chunk.js'
import type { Concept } from '../types.js'
import { placeBlocks } from './callouts.js'
import { commandConcept } from './commands.js'
import { MAX_ANSWER_CHARS, sentenceConcepts } from './definitions.js'
import { firstClause, sentences, stripEndPunctuation, words } from '../../pipeline/text.js'

type Draft = Omit<Concept, 'chunk_id'>

const TERM_GLOSS = /^([^:—–\s][^:—–]{1,59}?)\s?(?::|—|–| - )\s(\S.{7,})$/
/** Lists longer than this, or with a longer answer, are reading, not recall. */
const MAX_LIST_ITEMS = 6
const MAX_LIST_INTRO_CHARS = 100

/**
 * Stage A without a model: reads the structure of a chunk. Definitions ("X is …", "Term: gloss",
 * "wc counts …"), the author's key points, lists under an introduction, emphasised terms with their
 * sentence, and a command with the sentence that says what it is for. Exercises (challenges,
 * solutions, questions) make no concepts: their lists are answer options, their sentences refer
 * to one task. Every concept is text of the chunk; the best of a chunk come first.
 */
export function offlineConcepts(chunk: Chunk): Draft[] {
  const concepts: Draft[] = []
  const frontMatterKeyPoints = chunk.id.endsWith('#key-points')
  let previousSentence: string | undefined

  for (const { block, region } of placeBlocks(chunk)) {
    if (region === 'exercise') {
      previousSentence = undefined
      continue
    }
    const context = { heading: chunk.heading, terms: 'terms' in block ? block.terms : [] }
    if (block.kind === 'code') {
      const command = commandConcept(previousSentence, block)
      if (command) concepts.push(command)
      previousSentence = undefined
      continue
    }
    if (block.kind === 'list') {
      if (frontMatterKeyPoints || region === 'keypoints') {
        for (const item of block.items) concepts.push(...keyPoint(item, context))
        continue
      }
      for (const item of block.items) {
        const gloss = TERM_GLOSS.exec(item)
        const statement = gloss ? firstClause(gloss[2]!) : ''
        if (gloss && words(gloss[1]!).length <= 4 && statement.length <= MAX_ANSWER_CHARS) {
          concepts.push({ kind: 'definition', term: gloss[1]!.trim(), statement })
        }
      }
      const list = listConcept(previousSentence, block.items)
      if (list) concepts.push(list)
      // An item that continues its introduction ("… asks every colleague to: refuse gifts …") is read with it.
      const intro = previousSentence?.endsWith(':') ? previousSentence : undefined
      for (const item of block.items) {
        const sentence = intro && /^[a-z]/.test(item) ? `${intro} ${item}` : item
        concepts.push(...sentenceConcepts(sentence, context, { facts: true, commands: false }))
      }
      previousSentence = undefined
      continue
    }
    for (const sentence of sentences(block.text)) {
      concepts.push(...sentenceConcepts(sentence, context, { facts: true, commands: true }))
      previousSentence = sentence
    }
  }
  return concepts
}

/** A key point is a card on its own; when it is also a definition, the definition asks better. */
function keyPoint(item: string, context: { heading: string | undefined; terms: string[] }): Draft[] {
  const stated = sentenceConcepts(item, context, { facts: false, commands: true }).filter((concept) => concept.kind === 'definition')
  return stated.length > 0 ? stated : [{ kind: 'keypoint', term: item, statement: item }]
}

/**
 * A list the text introduces ("The checklist covers three areas:") and that is short enough to
 * recall whole. Headings alone do not introduce a list: under them, lists are often objectives
 * or steps, not facts.
 */
function listConcept(introduction: string | undefined, items: string[]): Draft | undefined {
  if (!introduction || !introduction.endsWith(':') || introduction.length > MAX_LIST_INTRO_CHARS || introduction.includes('?')) return undefined
  if (/^(this|that|it|these|those|they|here|there|for example)\b/i.test(introduction)) return undefined
  if (items.length < 2 || items.length > MAX_LIST_ITEMS) return undefined
  const statement = items.join('; ')
  if (statement.length > MAX_ANSWER_CHARS) return undefined
  return { kind: 'list', term: stripEndPunctuation(introduction), statement, items }
}
