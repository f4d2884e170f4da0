import { createHash } from 'node:crypto'

/**
 * The JSON columns of Anki's `col` table (collection schema 11, which every Anki since 2.1
 * imports). Note-type ids are fixed: Anki updates a note on re-import only when its GUID and its
 * note type both match, so they must never change between exports.
 */
export const BASIC_MODEL_ID = 1_733_000_000_001
export const CLOZE_MODEL_ID = 1_733_000_000_002
const DEFAULT_DECK_ID = 1
const DECK_CONF_ID = 1

/** A positive id below 2^53 (JS numbers stay exact) in the range of Anki's epoch-millisecond ids. */
export function stableId(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\x1f')).digest()
  return 1_000_000_000_000 + digest.readUIntBE(0, 5)
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' }

/** A field as Anki sorts and compares it: tags stripped, entities decoded. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(?:lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]!)
    .trim()
}

/** Anki's duplicate-check checksum: the first 8 hex digits of SHA-1 over the plain sort field. */
export function fieldChecksum(html: string): number {
  return parseInt(createHash('sha1').update(plainText(html)).digest('hex').slice(0, 8), 16)
}

const CSS = `.card { font-family: system-ui, sans-serif; font-size: 22px; text-align: center; color: #1d2430; background: #fff; }
.cloze { font-weight: bold; color: #1a56db; }
.source { margin-top: 1.5em; font-size: 14px; color: #667085; }`

function field(name: string, ord: number) {
  return { name, ord, sticky: false, rtl: false, font: 'Arial', size: 20, media: [] as string[] }
}

function template(name: string, qfmt: string, afmt: string) {
  return { name, ord: 0, qfmt, afmt, bqfmt: '', bafmt: '', did: null, bfont: '', bsize: 0 }
}

const LATEX_PRE =
  '\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n'

function model(id: number, name: string, type: 0 | 1, fields: string[], tmpl: ReturnType<typeof template>, mod: number) {
  return {
    id,
    name,
    type,
    mod,
    usn: -1,
    sortf: 0,
    did: DEFAULT_DECK_ID,
    tmpls: [tmpl],
    flds: fields.map(field),
    css: CSS,
    latexPre: LATEX_PRE,
    latexPost: '\\end{document}',
    latexsvg: false,
    // Which fields a card needs to exist (pre-2.1.28 Anki reads it; later ones compute it).
    req: [[0, 'any', [0]]],
    tags: [] as string[],
    vers: [] as number[],
  }
}

export function modelsJson(mod: number): string {
  const source = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
  const basic = model(BASIC_MODEL_ID, 'Flashcard Basic', 0, ['Front', 'Back', 'Source'], template('Card 1', '{{Front}}', `{{FrontSide}}<hr id="answer">{{Back}}${source}`), mod)
  const cloze = model(
    CLOZE_MODEL_ID,
    'Flashcard Cloze',
    1,
    ['Text', 'Back Extra'],
    template('Cloze', '{{cloze:Text}}', '{{cloze:Text}}{{#Back Extra}}<div class="source">{{Back Extra}}</div>{{/Back Extra}}'),
    mod,
  )
  return JSON.stringify({ [BASIC_MODEL_ID]: basic, [CLOZE_MODEL_ID]: cloze })
}

function deckEntry(id: number, name: string, mod: number) {
  return {
    id,
    name,
    mod,
    usn: -1,
    desc: '',
    dyn: 0,
    conf: DECK_CONF_ID,
    collapsed: false,
    browserCollapsed: false,
    extendNew: 0,
    extendRev: 0,
    newToday: [0, 0],
    revToday: [0, 0],
    lrnToday: [0, 0],
    timeToday: [0, 0],
  }
}

/** Every deck the notes use plus their parents (`Course` for `Course::Module`) and Anki's Default. */
export function decksJson(names: Iterable<string>, mod: number): { json: string; ids: Map<string, number> } {
  const ids = new Map<string, number>()
  for (const name of names) {
    const parts = name.split('::')
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = parts.slice(0, depth).join('::')
      if (!ids.has(path)) ids.set(path, stableId('deck', path))
    }
  }
  const decks: Record<string, ReturnType<typeof deckEntry>> = { [DEFAULT_DECK_ID]: deckEntry(DEFAULT_DECK_ID, 'Default', mod) }
  for (const [name, id] of ids) decks[id] = deckEntry(id, name, mod)
  return { json: JSON.stringify(decks), ids }
}

export function deckConfJson(mod: number): string {
  const conf = {
    id: DECK_CONF_ID,
    name: 'Default',
    mod,
    usn: 0,
    maxTaken: 60,
    autoplay: true,
    timer: 0,
    replayq: true,
    dyn: false,
    new: { bury: true, delays: [1, 10], initialFactor: 2500, ints: [1, 4, 7], order: 1, perDay: 20, separate: true },
    rev: { bury: true, ease4: 1.3, fuzz: 0.05, ivlFct: 1, maxIvl: 36500, minSpace: 1, perDay: 200 },
    lapse: { delays: [10], leechAction: 1, leechFails: 8, minInt: 1, mult: 0 },
  }
  return JSON.stringify({ [DECK_CONF_ID]: conf })
}

export function colConfJson(firstDeckId: number): string {
  return JSON.stringify({
    activeDecks: [firstDeckId],
    curDeck: firstDeckId,
    curModel: String(BASIC_MODEL_ID),
    newSpread: 0,
    collapseTime: 1200,
    timeLim: 0,
    estTimes: true,
    dueCounts: true,
    sortType: 'noteFld',
    sortBackwards: false,
    addToCur: true,
    nextPos: 1,
  })
}
