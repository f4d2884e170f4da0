import { leaksStem } from '../../pipeline/card-lint.js'

/**
 * "To cancel your latest commit, run the following command:" over a one-line code block says
 * what the command is for: the purpose is the question, the command its answer (CARDS.md E6: the
 * command, not a whole session with its prompt). Technical lessons of any subject write it so.
 */
const LEAD = String.raw`(?:you can (?:do (?:so|this) by )?|you (?:need|have|want) to |you should |simply |just )?`
const VERB = String.raw`(?:run|use|using|type|enter|execute|call|issue|write)`
const WHAT = String.raw`(?:the following|this|the|a) (?:command|commands|query|statement|code|line|function|method|function call|expression)(?: below| like this| like the following)?`
/** "If you want to compare two branches, the syntax is:", "…, it would be:": the code under it is the command (alternatives of PURPOSE's ending). */
const SYNTAX = String.raw`the (?:syntax|command|query|code) (?:is|would be|looks like)|it(?:'s| is| would be| looks like)`
/** "To X, run the following command:", "If you want (to) X, you can do so by using the following command:", "Or if you wanted to X, it would be:". */
const PURPOSE = new RegExp(
  String.raw`^(?:(?:Or|And),?\s+)?(?:To|In order to|If you (?:want|wanted|need|needed|wish) (to )?)\s*([^:;,]{8,110}?),?\s+(?:${LEAD}${VERB}(?:\s+${WHAT})?|${SYNTAX})\s*:?$`,
  'i',
)

/** "Run the following command to add all files in the current folder:", "OR use this query in the terminal to …". */
const ORDER = new RegExp(
  String.raw`^(?:Or,?\s+)?${VERB}\s+(?:the following|this|the) (?:[\w-]+ )?(?:command|query|statement|code|line)(?:\s+(?:in|from|at) (?:the|a|your) [\w-]+)?\s+to ([^:;]{8,110}?)\s*:?$`,
  'i',
)

/** "You can see all branches of your project using:". */
const ABLE = new RegExp(String.raw`^(?:You|We|One) can ([^:;,]{8,110}?)\s+(?:using|with|by running|by typing|by using)(?:\s+${WHAT})?\s*:?$`, 'i')

/** "If you decide to get rid of a branch you can delete it with:": the wish is the purpose. */
const DECIDE = new RegExp(
  String.raw`^If you (?:decide|want|need|wish) to ([^:;,]{8,110}?),?\s+you can \w+ (?:it|them|one)\s+(?:using|with|by running|by typing|by using)(?:\s+${WHAT})?\s*:?$`,
  'i',
)

/** "If you are ever unsure what files have been added, you can run the following to find out:": finding out is the purpose. */
const UNSURE = new RegExp(
  String.raw`^If you (?:are (?:ever )?unsure|want to know|need to know|have forgotten|forget|wonder) ((?:what|which|whether|how|where|who|when)\b[^:]{5,110}?),?\s+${LEAD}${VERB}(?:\s+(?:the following|this)(?:\s+command)?)?\s+to find out\s*:?$`,
  'i',
)

/** The command of a code block of one short line (a shell prompt removed), in backticks. */
export function commandOf(code: string): string | undefined {
  const lines = code.split('\n').filter((line) => line.trim() !== '')
  const line = lines.length === 1 ? lines[0]!.trim().replace(/^(?:[$>#]|sql>|mysql>|>>>)\s+/, '') : ''
  return line !== '' && line.length <= 60 && !line.includes('`') ? `\`${line}\`` : undefined
}

/**
 * The question a lead-in sentence asks of the command under it ("How do you cancel your latest
 * commit?"), or undefined when the sentence is no such lead-in.
 */
export function purposeQuestion(leadIn: string): string | undefined {
  // "To get started with your repository, run the following command … to initialise it": the later purpose is the command's.
  const sentence = leadIn.trim().replace(/^(?:To|In order to) [^,]{3,60},\s+(?=(?:run|use|type|enter|execute)\s.*\sto\s)/i, '')
  const wish = PURPOSE.exec(sentence)
  const able = wish ? undefined : (ABLE.exec(sentence) ?? DECIDE.exec(sentence) ?? ORDER.exec(sentence) ?? undefined)
  const unsure = wish || able ? undefined : UNSURE.exec(sentence)?.[1]
  // An aside ("(called 'your_file_name' in this example)") is dropped first: its pointer points into the example, and it often names the command itself.
  const raw = (wish?.[2] ?? able?.[1] ?? (unsure && `find out ${unsure}`))?.replace(/\s*\([^()]*\)/g, '').trim()
  if (raw === undefined) return undefined
  // "To find out what they are": the purpose leans on an earlier sentence (C9); "create a branch
  // and switch to it" names what "it" is.
  // "To compare two specific things": a purpose on a placeholder noun asks nothing precise (R2).
  if (/\b(?:they|this|these|those|that one|things?|stuff|something|anything)\b/i.test(raw) || /^(?:(?!\b(?:an?|the|your)\s).)*\b(?:it|them)\b/i.test(raw)) return undefined
  const purpose = raw
  // "If you want the old version of a file" is a wish, not an infinitive: asked as it stands.
  const infinitive = able !== undefined || unsure !== undefined || wish?.[1] !== undefined || /^(?:(?:Or|And),?\s+)?(?:To|In order to)\b/i.test(sentence)
  const question = infinitive ? `How do you ${purpose}?` : `What do you run if you want ${purpose}?`
  return question.length <= 150 ? question : undefined
}

/** "How do you change between branches?": a command asked by its purpose. */
export const COMMAND_QUESTION = /^How do you (.+)\?$/

/** A part of a command the learner fills in (`name_of_the_branch`, `<file>`), not one to recall. */
const PLACEHOLDER = /^["'<]?[\p{L}\d]+(?:_[\p{L}\d]+)+["'>]?$|^<[^<>]+>$/u

/**
 * "How do you add all files in the current folder?" answered by `git add .` shows "add" (C2):
 * like CARDS.md E5/E6 ("Which mkdir option creates nested subdirectories?" → `-p`), the question
 * shows the command's head and asks for the part it does not give away.
 */
export function commandPartQuestion(question: string, command: string): { question: string; answer: string } | undefined {
  const purpose = COMMAND_QUESTION.exec(question)?.[1]
  if (purpose === undefined || !/^`[^`]+`$/.test(command)) return undefined
  const parts = command.slice(1, -1).trim().split(/\s+/)
  for (let shown = 1; shown < parts.length; shown++) {
    const rest = parts.slice(shown)
    while (rest.length > 1 && PLACEHOLDER.test(rest.at(-1)!)) rest.pop()
    if (PLACEHOLDER.test(rest[0]!)) return undefined
    const role = rest[0]!.startsWith('-') ? 'option' : /^[a-z][a-z-]*$/.test(rest[0]!) ? 'subcommand' : 'argument'
    const asked = { question: `Which \`${parts.slice(0, shown).join(' ')}\` ${role} lets you ${purpose}?`, answer: `\`${rest.join(' ')}\`` }
    if (asked.question.length <= 150 && !leaksStem({ type: 'basic', front: asked.question, back: asked.answer })) return asked
  }
  return undefined
}

/** An inline code span, backticks included. */
const CODE = '`[^`]+`'
/** "To commit with a message, use `git commit` with the `-m` (m for message) flag.", "… with the `enable` subcommand": the part is the answer. */
const PART_USE = new RegExp(
  String.raw`^(?:To|In order to) ([^,:;]{8,110}),\s+${LEAD}${VERB} (${CODE}) with (?:a|an|the) (${CODE})(?: \([^()]*\))? (flag|option|switch|subcommand|argument)\s*[.:]?$`,
  'i',
)
/** "To list hidden files, use `ls -a`." */
const INLINE_USE = new RegExp(String.raw`^(?:To|In order to) ([^,:;]{8,110}),\s+${LEAD}${VERB} (?:the (?:command|function) )?(${CODE})(?: (?:command|function))?\s*\.?$`, 'i')
/** "If a unit file has changed, `systemctl daemon-reload` lets you load the new definition." */
const LETS_YOU = /^(?:(?:If|When|Once) ([^,]{5,90}),\s+)?(`[^`]+`) (?:will |can )?(?:lets?|allows?) you (?:to )?([^,:;]{8,110}?)\.?$/

/** "…, start by using `git log` to find the SHA of the version you want.": the purpose ends the sentence. */
const USE_TO = /(?:^|,\s+|\bby\s+)(?:use|using|run|running)\s+(`[^`]+`)\s+to\s+([^,;:]{8,100}?)\.?$/i

/**
 * A command a sentence names for a purpose in passing, without a code block under it: the
 * purpose asked as the question, the command (or its option) as the answer.
 */
export function inlineCommand(sentence: string): { term: string; question: string } | undefined {
  const part = PART_USE.exec(sentence)
  if (part) {
    const role = /^(?:flag|switch)$/i.test(part[4]!) ? 'option' : part[4]!.toLowerCase()
    return { term: part[3]!, question: `Which ${part[2]!} ${role} lets you ${part[1]}?` }
  }
  const used = INLINE_USE.exec(sentence)
  const lets = used ? undefined : LETS_YOU.exec(sentence)
  const usedTo = used || lets ? undefined : USE_TO.exec(sentence)
  const [purpose, code] = used ? [used[1]!, used[2]!] : lets ? [lets[3]!, lets[2]!] : usedTo ? [usedTo[2]!, usedTo[1]!] : []
  if (purpose === undefined || code === undefined || /\b(?:they|their|its|this|these|those|it|them|things?|something)\b/i.test(purpose)) return undefined
  // "load the new definition": a purpose naming something definite may need its condition to say which.
  const condition = lets?.[1] !== undefined && /\bthe\b/i.test(purpose) ? `, if ${lets[1]}` : ''
  return { term: code, question: `How do you ${purpose}${condition}?` }
}
