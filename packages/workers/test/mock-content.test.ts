import t from 'tap'
import { mockFile } from '../src/transcription/fetch/mock.js'
import { extractText } from '../src/extract/index.js'
import { OfflineProvider } from '../src/providers/offline/index.js'
import { generateModuleCards } from '../src/pipeline/index.js'

const log = { entry() {}, info() {}, warn() {}, raw() {} }

// MOCK_FILE_URLS is for demos and tests of the whole chain: its content must make cards with the
// offline provider, or a transcription → generation demo ends with none.
t.test('mock file content makes grounded cards with the offline provider', async (t) => {
  const files = [
    { file_id: 'intro', url: 'https://cdn.example.com/intro.mp4', mime_type: 'video/mp4' },
    { file_id: 'notes', url: 'https://cdn.example.com/notes.pdf' },
  ]
  for (const file of files) {
    const fetched = mockFile(file)
    const content = await extractText(fetched.bytes, { filename: fetched.filename, ...(fetched.mimeType ? { mimeType: fetched.mimeType } : {}) })
    const result = await generateModuleCards(
      {
        course_id: 'course-mock',
        module_id: 'mod-mock',
        settings: { target_card_count: 5, card_types: ['basic', 'cloze'], language: 'en' },
        documents: [{ name: fetched.filename, content }],
      },
      { provider: new OfflineProvider(), signal: new AbortController().signal, progress: async () => {}, log },
    )
    t.ok(result.cards.length >= 2, `${file.file_id}: ${result.cards.length} cards`)
    for (const card of result.cards) {
      if (card.type === 'basic') t.ok(content.text.toLowerCase().includes(card.back.toLowerCase()), `grounded: ${card.back}`)
    }
  }
})
