import { randomUUID } from 'node:crypto'
import postgres, { type Sql } from 'postgres'

/**
 * The PostgreSQL the tests use: TEST_DATABASE_URL, else the one on 127.0.0.1:5432 (`npm test`
 * finds or starts one and sets it). Never skipped: a test that needs it fails without it.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Runs `fn` on a connection of its own to TEST_DATABASE_URL, closed afterwards. */
export async function withAdmin<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/** A schema no other test (or run) shares, created now; `drop` removes it with all it holds. */
export async function throwawaySchema(name: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `fctest_${name.replace(/[^a-z0-9]/gi, '_')}_${randomUUID().slice(0, 8)}`.toLowerCase()
  await withAdmin((sql) => sql`CREATE SCHEMA ${sql(schema)}`)
  return {
    schema,
    drop: () => withAdmin(async (sql) => void (await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`)),
  }
}
