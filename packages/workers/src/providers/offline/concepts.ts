import type { Chunk } from '../../pipeline/chunk.js'
import type { Concept } from '../types.js'
import { contentWords, sentences, stripEndPunctuation } from './text.js'

type Draft = Omit<Concept, 'chunk_id'>

/** Subjects that point back to an earlier sentence: "It is …" teaches nothing on its own. */
const VAGUE_SUBJECT = /^(it|this|that|these|those|they|there|here|he|she|we|you|i|one|each|all|some|such|what|which|who|when|where|how|why|but|and|so|if)\b/i
const DEFINITION = /^((?:an?|the)\s+)?([^,;:()]{2,60}?)\s+(is|are|means|refers to|describes|stands for)\s+(.{8,})$/i
/** A subject with a clause inside ("items that are open") is not a term. */
const CLAUSE_IN_SUBJECT = /\b(that|which|who|whom|where|when|if|because|they|it|we|you|he|she)\b/i
/** "X is kept …", "X is not …": passive or negated predicates describe, they do not define. */
const NOT_A_DEFINITION = /^(not|no longer|also|only|still|often|usually|always|never|\w+ed|kept|made|held|sent|given|done|seen|known|set|told|taken|written|run|shown|based|available|able|responsible|open|closed)\b/i
/** Numbers with a unit are what rules and deadlines are made of: "within one month", "72 hours". */
export const QUANTITY =
  /\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(?:%|percent|working days?|calendar days?|days?|weeks?|months?|years?|hours?|minutes?|euros?|dollars?)\b/i
const TERM_GLOSS = /^([^:—–]{2,60}?)\s*(?::|—|–| - )\s+(.{8,})$/

/**
 * Stage A without a model: reads the structure of a chunk. Definitions ("X is …", "Term: gloss"),
 * the author's key points, lists under an introduction or heading, emphasised terms with their
 * sentence, and code with the sentence that introduces it. Every concept is text of the chunk.
 */
export function offlineConcepts(chunk: Chunk): Draft[] {
  const concepts: Draft[] = []
  const isKeyPoints = chunk.id.endsWith('#key-points')
  let previousSentence: string | undefined

  for (const block of chunk.blocks) {
    if (block.kind === 'code') {
      if (previousSentence && /[:.]$/.test(previousSentence)) {
        concepts.push({ kind: 'code', term: stripEndPunctuation(previousSentence), statement: block.text })
      }
      previousSentence = undefined
      continue
    }
    if (block.kind === 'list') {
      if (isKeyPoints) {
        for (const item of block.items) concepts.push({ kind: 'keypoint', term: item, statement: item })
        continue
      }
      const glossed = block.items.map((item) => TERM_GLOSS.exec(item)).filter((match): match is RegExpExecArray => match !== null)
      for (const match of glossed) concepts.push({ kind: 'definition', term: match[1]!.trim(), statement: match[2]!.trim() })
      if (block.items.length >= 2 && block.items.length <= 8 && block.items.every((item) => item.length <= 160)) {
        const intro = previousSentence && previousSentence.endsWith(':') ? previousSentence : undefined
        const term = intro ?? chunk.heading
        if (term) concepts.push({ kind: 'list', term: stripEndPunctuation(term), statement: block.items.join('; '), items: block.items })
      }
      for (const item of block.items) concepts.push(...fromSentence(item, block.terms))
      previousSentence = undefined
      continue
    }
    for (const sentence of sentences(block.text)) {
      concepts.push(...fromSentence(sentence, block.kind === 'paragraph' ? block.terms : []))
      previousSentence = sentence
    }
  }
  return concepts
}

function fromSentence(sentence: string, terms: string[]): Draft[] {
  const found: Draft[] = []
  const definition = DEFINITION.exec(sentence)
  if (
    definition &&
    !VAGUE_SUBJECT.test(definition[2]!) &&
    !CLAUSE_IN_SUBJECT.test(definition[2]!) &&
    !NOT_A_DEFINITION.test(definition[4]!) &&
    definition[2]!.split(/\s+/).length <= 5 &&
    /[.!]$/.test(sentence)
  ) {
    found.push({
      kind: 'definition',
      term: `${definition[1] ?? ''}${definition[2]}`.trim(),
      statement: stripEndPunctuation(definition[4]!),
      relation: definition[3]!.toLowerCase(),
    })
  }
  if (found.length === 0 && QUANTITY.test(sentence) && sentence.length >= 40 && sentence.length <= 300 && !VAGUE_SUBJECT.test(sentence)) {
    found.push({ kind: 'fact', term: QUANTITY.exec(sentence)![0], statement: sentence })
  }
  for (const term of terms) {
    if (sentence.includes(term) && sentence.length >= term.length + 20) found.push({ kind: 'term', term, statement: sentence })
  }
  return found
}
