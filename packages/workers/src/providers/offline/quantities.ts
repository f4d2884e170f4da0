/**
 * Numbers as facts: a number with its unit ("1 TB", "six years", "1/60"), a compound duration
 * ("twelve hours and twenty-five minutes") or a count written out ("three semitones"), and which
 * of a sentence's numbers is its news.
 */
const UNIT_WORDS =
  '%|percent|bytes?|years?|months?|weeks?|days?|hours?|minutes?|seconds?|times|million|billion|(?:kilo|centi|milli)?(?:met(?:re|er)s?|grams?|lit(?:re|er)s?)|degrees?|km|cm|mm|kg|mg|g|ml|°[CF]|kelvin|light-years?|volts?|watts?|joules?|newtons?|hertz|Hz|kHz|MHz|GHz|tonnes?|miles?|feet|inches?|pounds?|calories?|kcal|mph|km/h|January|February|March|April|June|July|August|September|October|November|December'
const UNIT = `(?:${UNIT_WORDS}|[kKMGT]B|mL)`
// A clock time, a ratio or a fraction ("10:00", "3:1", "1/60") is one value: never split at its colon or slash.
const NUMBER = new RegExp(`(?<![\\w.$:/-])(?:\\d{1,2}:\\d{2}|\\d{1,4}/\\d{1,5}(?:\\s?${UNIT})?|\\d{4}s|\\d[\\d,.]*(?:\\s?${UNIT})?)(?![\\w:/]|\\.\\d)`)
/** A number with its unit ("1 TB", "six years"): a fact to recall, unlike a bare count of the story's data. */
export function isQuantity(text: string): boolean {
  return UNIT_END.test(text) && (/\d/.test(text) || SPELLED_QUANTITY.test(text))
}
const UNIT_END = new RegExp(`${UNIT}$`)
/** Every number of a text (matchAll copies it, so the shared lastIndex never leaks between calls). */
const NUMBERS = new RegExp(NUMBER.source, 'g')
/** The unit right after a multiplier ("million| kelvin"). */
const UNIT_AFTER = new RegExp(`^ (?:${UNIT_WORDS})(?!\\w)`, 'i')

/** "within one month", "for six years": a quantity written out. */
const SPELLED_QUANTITY = new RegExp(
  `(?<![\\w-])(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|hundred) (?:${UNIT_WORDS})(?!\\w)`,
  'i',
)

/** "twelve hours and twenty-five minutes", "2 h 30 min", "500 mg to 1 g": one duration or range, not its first part. */
function compoundQuantity(text: string, match: RegExpExecArray): string {
  const rest = text.slice(match.index + match[0].length)
  // "ten million kelvin": a multiplier is followed by the unit it multiplies.
  const unit = /^(?:million|billion|thousand|hundred)$/i.test(match[0].split(/\s+/).pop() ?? '') ? UNIT_AFTER.exec(rest) : null
  if (unit) return `${match[0]}${unit[0]}`
  // "500 mg to 1 g": a range is one answer, like a compound duration.
  const more = /^(?:\s+to\s+|\s?[–-]\s?|,?\s+(?:and\s+)?)/.exec(rest)
  const second = more ? (NUMBER.exec(rest.slice(more[0].length)) ?? SPELLED_QUANTITY.exec(rest.slice(more[0].length))) : null
  return more && second?.index === 0 && isQuantity(match[0]) && isQuantity(second[0]) ? `${match[0]}${more[0]}${second[0]}` : match[0]
}

const SPELLED_COUNT = String.raw`(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)(?:-\w+)? (?:[a-z]+ )?[a-z]{3,}s`
const STATED_COUNT = new RegExp(String.raw`\b(?:is|are|was|were|has|have|had|contains?|takes?|lasts?)\s+(?:about |roughly |around |exactly |only |just )?(${SPELLED_COUNT})\b`, 'i')

const WHOLE_SPELLED_COUNT = new RegExp(`^${SPELLED_COUNT}$`, 'i')

/** "three semitones": a count written out with what it counts, a fact like a number. */
export function isSpelledCount(text: string): boolean {
  return WHOLE_SPELLED_COUNT.test(text)
}

/** The quantity a sentence states, if any: the blank a number makes. */
export function quantityIn(text: string): string | undefined {
  // A number is the news of its sentence ("target an inflation rate of about {{two percent}}"), before a term known from elsewhere.
  // A lone digit ("8 host bits", "step 2") is mostly a count of the example; the first number past it may be the fact.
  // Numbers inside code ("`/24`") belong to the code.
  const prose = text.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length))
  const numbers = [...prose.matchAll(NUMBERS)].filter((match) => !/^\d$/.test(match[0]))
  // "A card charging 18% a year … has an effective rate of about 19.56%": of several numbers, the one the main verb states is the fact.
  const verb = prose.search(/\s(?:is|are|was|were|has|have|had|becomes?|reaches|reached|equals?)\s/)
  const number = (verb > 0 ? numbers.find((match) => match.index > verb) : undefined) ?? numbers[0] ?? SPELLED_QUANTITY.exec(prose)
  if (number) return compoundQuantity(text, number).replace(/[.,]$/, '')
  // "C to E flat is three semitones": a count written out, stated as what the subject is or has, is the fact.
  return STATED_COUNT.exec(text)?.[1] ?? FREQUENCY.exec(prose)?.[0]
}

/** "once per project", "twice a day", "three times a week": how often, a fact like a number. */
const FREQUENCY = /\b(?:once|twice|(?:two|three|four|five|six|ten) times) (?:per|a|an|every|each) [a-z]+\b/i
