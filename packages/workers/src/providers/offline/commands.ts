import type { Block } from '../../pipeline/normalise.js'
import type { Concept } from '../types.js'
import { contentWords, stripEndPunctuation, words } from '../../pipeline/text.js'

type Draft = Omit<Concept, 'chunk_id'>

/** Commands longer than this are scripts to read, not something to recall. */
const MAX_COMMAND_CHARS = 80
const MAX_PURPOSE_CHARS = 70
/** "Let's create …", "we can check …", "to rename …": where a sentence says what a command is for. */
const PURPOSE = /\b(?:let's|let us|we can|we will|we'll|you can|you could|in order to|to)\s([a-z][^:;]{0,120}?)(?=\s(?:using|with|by running|by typing|by using|via|from the command line|like this|as follows)\b|\s?[,:;(]|\.(?=\s|$)|$)/i
/** Verbs of things one does in a terminal; a purpose that starts otherwise ("to be", "to this") is not one. */
const ACTIONS = new Set(
  `create make change move rename copy delete remove list print count sort find search check display look view run open edit go
  navigate select save show get repeat inspect combine request submit download install start stop compare extract filter append
  redirect read clear exit quit return test set see`.split(/\s+/),
)
const GENERIC_OBJECTS = new Set(['command', 'commands', 'pattern', 'file', 'files', 'output', 'result', 'thing', 'things', 'same', 'again'])
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'powershell', 'cmd'])

/**
 * A command and what it is for, when the sentence before a code block says what the reader is
 * about to do ("Let's create a new directory called thesis using mkdir:") and the block runs
 * exactly one short command. Output dumps, scripts and multi-line sessions make no card.
 */
export function commandConcept(introduction: string | undefined, block: Extract<Block, { kind: 'code' }>): Draft | undefined {
  if (!introduction) return undefined
  const command = singleCommand(block)
  if (!command) return undefined
  const purpose = PURPOSE.exec(introduction)?.[1]
  if (!purpose || !ACTIONS.has(words(purpose)[0] ?? '') || words(purpose).length < 2 || purpose.length > MAX_PURPOSE_CHARS) return undefined
  // "to find out what they are", "to run this command (…)": the purpose is in another sentence.
  if (/[()]|\b(it|they|them|these|those|this|that|example)\b/i.test(purpose)) return undefined
  // "to run the command", "to search for the pattern": no object of its own to recall it by.
  if (contentWords(purpose).slice(1).filter((word) => !GENERIC_OBJECTS.has(word)).length === 0) return undefined
  // The question must not give the answer away ("… using the command mkdir thesis").
  const program = command.split(/\s+/)[0]!.toLowerCase()
  if (words(purpose).includes(program)) return undefined
  return { kind: 'code', term: stripEndPunctuation(purpose), statement: command }
}

/** The one command of a block: one `$ ` line (its output may follow), or one line of a shell block. */
function singleCommand(block: Extract<Block, { kind: 'code' }>): string | undefined {
  const lines = block.text.split('\n').filter((line) => line.trim() !== '')
  const prompted = lines.filter((line) => /^\s*\$\s/.test(line))
  let command: string | undefined
  if (prompted.length > 0) {
    if (prompted.length > 1 || lines.some((line) => /^\s*>\s/.test(line)) || !/^\s*\$\s/.test(lines[0]!)) return undefined
    command = prompted[0]!.replace(/^\s*\$\s+/, '')
  } else if (lines.length === 1 && SHELL_LANGS.has(block.lang ?? '')) {
    command = lines[0]!
  }
  command = command?.trim()
  // A loop or condition typed on one line is only its first part.
  if (!command || command.length > MAX_COMMAND_CHARS || command.startsWith('#') || /^(for|while|until|if|case)\b|;$/.test(command)) return undefined
  return command
}
