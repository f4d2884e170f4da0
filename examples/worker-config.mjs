// A `--config` module for `flashcard-workers`: how a host plugs in its own content source and
// keeps the cards it gets, without forking the workers package.
//
//   CMS_EXPORT=examples/cms/export.json CARDS_DIR=server/tmp/cards \
//     npx -y pnpm@10.34.9 exec flashcard-workers orchestrator --config examples/worker-config.mjs
//
// The content source reads a CMS export (a JSON file here; an HTTP API or a database in a real
// host). The result hook writes each module's cards to CARDS_DIR/<course>/<module>.json, where
// a real host would insert them into its own database.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ContentNotFoundError } from '@flashcards/workers'

function cmsSource(exportFile) {
  let loaded
  const catalog = async () => (loaded ??= JSON.parse(await readFile(exportFile, 'utf8')))
  const course = async (courseId) => {
    const found = (await catalog()).courses[courseId]
    if (!found) throw new ContentNotFoundError(`course ${courseId} is not in the CMS export ${exportFile}`)
    return found
  }
  return {
    name: 'cms-export',
    async listModules(courseId) {
      return (await course(courseId)).modules.map((m) => m.id)
    },
    async loadModule({ course_id, module_id }) {
      const module = (await course(course_id)).modules.find((m) => m.id === module_id)
      if (!module) throw new ContentNotFoundError(`module ${module_id} is not in course ${course_id} of the CMS export`)
      return [{ name: `${module_id}.md`, content: { format: 'markdown', text: module.body, title: module.title } }]
    },
  }
}

/** Writes the cards atomically; a retried job overwrites its own file, never duplicates it. */
function persistCards(cardsDir) {
  return async (result, { jobId }) => {
    const dir = join(cardsDir, result.course_id)
    await mkdir(dir, { recursive: true })
    const file = join(dir, `${result.module_id}.json`)
    await writeFile(`${file}.tmp`, JSON.stringify({ job_id: jobId, cards: result.cards }, null, 2))
    await rename(`${file}.tmp`, file)
  }
}

export default () => ({
  contentSource: cmsSource(process.env.CMS_EXPORT ?? 'examples/cms/export.json'),
  onResult: persistCards(process.env.CARDS_DIR ?? 'server/tmp/cards'),
})
