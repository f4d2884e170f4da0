import { randomUUID } from 'node:crypto'
import postgres from 'postgres'

/**
 * The PostgreSQL the tests use: TEST_DATABASE_URL, else the one on 127.0.0.1:5432 (`npm test`
 * finds or starts one and sets it). Never skipped: a test that needs it fails without it.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A schema no other test (or run) shares, created now; `drop` removes it with all it holds. */
export async function throwawaySchema(name: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `fctest_${name.replace(/[^a-z0-9]/gi, '_')}_${randomUUID().slice(0, 8)}`.toLowerCase()
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    await sql`CREATE SCHEMA ${sql(schema)}`
  } finally {
    await sql.end({ timeout: 1 })
  }
  return {
    schema,
    drop: async () => {
      const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
      try {
        await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`
      } finally {
        await admin.end({ timeout: 1 })
      }
    },
  }
}
