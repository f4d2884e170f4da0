import t from 'tap'
import { openPostgresDeckStore } from '../src/decks/postgres/store.js'
import { TEST_DATABASE_URL, throwawaySchema } from '@flashcards/test-support/postgres'
import { deckStoreContract } from './decks/contract.js'

deckStoreContract(t, async () => {
  const { schema, drop } = await throwawaySchema('decks')
  const store = await openPostgresDeckStore({ url: TEST_DATABASE_URL, schema })
  return {
    store,
    cleanup: async () => {
      await store.close()
      await drop()
    },
  }
})
