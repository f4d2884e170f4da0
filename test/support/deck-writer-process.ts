/*
 * A process that writes one deck revision through the real deck store, as the orchestrator does
 * when a job completes: loadConfig() (DECK_STORE, REDIS_URL or DATABASE_URL, QUEUE_PREFIX) and
 * createDeckStore(config, { role: 'worker' }). For the deck crash test:
 *
 *   TEST_DECK_KEY      the deck, as JSON { tenant, course_id, module_id }
 *   TEST_DECK_JOB_ID   the job whose revision it writes
 *   TEST_DECK_LABEL    TEST_DECK_COUNT   largeRevisionCards(module, label, count) are the cards
 *
 * It opens the store, reads the deck (so its connection is up and idle), prints `ready
 * <revision>` and waits for SIGUSR2; then it writes the revision and prints `written <revision>`.
 * The signal lets the test arm its TCP gate while nothing is in flight.
 */
import { createDeckStore, loadConfig, type DeckKey } from '@flashcards/queue-core'
import { largeRevisionCards } from '@flashcards/test-support/decks'

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}

const key = JSON.parse(required('TEST_DECK_KEY')) as DeckKey
const job_id = required('TEST_DECK_JOB_ID')
const cards = largeRevisionCards(key.module_id, required('TEST_DECK_LABEL'), Number(required('TEST_DECK_COUNT')))

const store = await createDeckStore(loadConfig(), { role: 'worker' })
const before = await store.getDeck(key, { limit: 1 })
// An idle pooled connection need not keep the process alive while it waits for the signal.
const waiting = setInterval(() => {}, 60_000)
process.once('SIGUSR2', () => {
  clearInterval(waiting)
  store
    .writeRevision(key, { job_id, cards })
    .then(
      ({ revision }) => void process.stdout.write(`written ${revision}\n`),
      (err: unknown) => {
        process.stderr.write(`write failed: ${String(err)}\n`)
        process.exitCode = 1
      },
    )
    .finally(() => store.close())
})
process.stdout.write(`ready ${before?.revision ?? 0}\n`)
