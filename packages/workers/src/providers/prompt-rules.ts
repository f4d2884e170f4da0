/**
 * The card-writing rules of /work/shared/CARDS.md (R1–R11, stage A's concept rules) as the short
 * imperatives the LLM prompts carry, with worked examples of our own making. The examples are
 * about baking on purpose: no course the generator reads is about it, so a model cannot copy an
 * example's answer into a card of the material.
 */

export const GROUNDING_RULE = 'Use only facts stated in the given text; never add outside knowledge.'

export const STAGE_A_RULES = [
  'One fact per concept.',
  '`term` is what the learner must produce later: a term, command, option, keyword, number or phrase of at most 8 words, written as in the text.',
  '`statement` is the sentence of the text that states the fact, copied word for word, never paraphrased.',
  'Look first for marked terms (bold, italic used as a term, links, code that a sentence defines), definitions ("is called", "stands for", "means", "known as"), key points, options with their effect, causes ("because", "so that") and numbers with units.',
  'A list gives one concept per item; a confusable pair gives two concepts, each saying what tells it apart.',
  'Skip exercises and their answers, command output, setup steps, link lists, lists the text calls incomplete ("such as"), story details, and anything the text names without explaining.',
]

export const STAGE_A_EXAMPLE = [
  'Example. Text:',
  '"## Starters',
  'A mixture of flour and water that keeps wild yeast alive is called a **starter**. It is fed every 24 hours. Bakers keep it in a jar."',
  'Answer:',
  JSON.stringify({
    concepts: [
      { term: 'starter', statement: 'A mixture of flour and water that keeps wild yeast alive is called a **starter**.' },
      { term: 'every 24 hours', statement: 'It is fed every 24 hours.' },
    ],
  }),
  '(No concept for the jar: the text names it without saying anything worth recalling.)',
]

/** R1–R11 as imperatives, in CARDS.md's order. */
export const CARD_RULES = [
  'R1 One fact per card: if the answer needs "and", write two cards.',
  'R2 Make the kind of answer clear (term, command, number, reason) so that only one answer fits.',
  'R3 Never put a word of the answer, or its stem, on the front.',
  'R4 Keep the answer short: a term, command, option, number or phrase of at most 8 words.',
  'R5 A cloze hides the key term (name, command, option, keyword, number), never a verb, article or filler word, and has exactly one deletion.',
  'R6 Make the card clear on its own months later: no "this", "above", "the following", no links or markup; name the domain (the shell, SQL, Git, …) when a term is generic.',
  'R7 Never ask for a whole list or set: one card per item, with a cue that singles it out.',
  'R8 No yes/no questions; no "What is X?" answered by a comparison or a generic phrase: ask for the property that matters.',
  'R9 Confusable items each get a card that names what tells them apart.',
  'R10 No two cards on the same fact.',
  'R11 Every answer is stated in the chunk the card cites; never use outside knowledge.',
  'The front is one sentence of at most 150 characters.',
  'Skip a concept rather than bend a rule: fewer good cards beat padding.',
]

/** Two bad → good pairs from a course the generator never reads. */
export const CARD_EXAMPLES = [
  'Bad: {"type":"cloze","front":"Kneading {{c1::develops}} the gluten in the dough.","back":"develops"} (hides a verb)',
  'Good: {"type":"cloze","front":"In bread making, kneading develops the {{c1::gluten}} in the dough.","back":"gluten"}',
  'Bad: {"type":"basic","front":"What is a starter?","back":"Like dried yeast, but slower and sourer"} (a comparison, not the fact)',
  'Good: {"type":"basic","front":"In sourdough baking, what is the mixture of flour and water that keeps wild yeast alive called?","back":"A starter"}',
]
