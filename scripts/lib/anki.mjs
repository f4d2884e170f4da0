// Cards to files Anki imports (File → Import): one CSV per note type, with Anki's file headers.

function csvField(value) {
  const text = String(value ?? '')
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csv(rows) {
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n'
}

function tagsOf(card, moduleId) {
  return [...new Set([moduleId, ...(card.tags ?? [])])].map((t) => String(t).replace(/\s+/g, '_')).join(' ')
}

/**
 * Returns `{ basic, cloze }` CSV texts. Basic cards go to Anki's "Basic" note type (Front, Back),
 * cloze cards to "Cloze" (Text with {{c1::…}}, Back Extra).
 */
export function toAnkiCsv(cardsByModule, deck) {
  const header = (notetype, columns) =>
    [`#separator:Comma`, `#html:false`, `#notetype:${notetype}`, `#deck:${deck}`, `#columns:${columns.join(',')}`, `#tags column:${columns.length}`].join('\n') + '\n'
  const basic = []
  const cloze = []
  for (const { module_id, cards } of cardsByModule) {
    for (const card of cards) {
      if (card.type === 'cloze') cloze.push([card.front, card.back, tagsOf(card, module_id)])
      else basic.push([card.front, card.back, tagsOf(card, module_id)])
    }
  }
  return {
    basic: header('Basic', ['Front', 'Back', 'Tags']) + csv(basic),
    cloze: header('Cloze', ['Text', 'Back Extra', 'Tags']) + csv(cloze),
  }
}
