import type { Sql } from 'postgres'

/**
 * The deck store's schema as numbered SQL steps. A step, once released, never changes: a new
 * need is a new step. They run at start-up in one transaction under an advisory lock, so two
 * processes starting together apply each step once and a failed step leaves nothing behind.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'decks, revisions and cards',
    sql: `
      CREATE TABLE decks (
        id bigserial PRIMARY KEY,
        tenant text NOT NULL,
        course_id text NOT NULL,
        module_id text NOT NULL,
        revisions integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Also the index of the course listing: WHERE tenant, course_id ORDER BY module_id.
        CONSTRAINT decks_key UNIQUE (tenant, course_id, module_id)
      );
      CREATE TABLE deck_revisions (
        deck_id bigint NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
        revision integer NOT NULL,
        job_id text NOT NULL,
        course_title text,
        module_title text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (deck_id, revision),
        -- A job writes one revision of a deck, however often it runs.
        CONSTRAINT deck_revisions_job UNIQUE (deck_id, job_id)
      );
      CREATE TABLE deck_cards (
        deck_id bigint NOT NULL,
        revision integer NOT NULL,
        card_id text NOT NULL,
        position integer NOT NULL,
        card jsonb NOT NULL,
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'approved', 'rejected', 'edited')),
        edited jsonb,
        reviewed_at timestamptz,
        PRIMARY KEY (deck_id, revision, card_id),
        FOREIGN KEY (deck_id, revision) REFERENCES deck_revisions (deck_id, revision) ON DELETE CASCADE
      );
      -- A page of a revision, in order, with or without the status filter.
      CREATE INDEX deck_cards_page ON deck_cards (deck_id, revision, position);
      CREATE INDEX deck_cards_status_page ON deck_cards (deck_id, revision, status, position);
    `,
  },
]

const LOCK_NAME = 'flashcard-deck-store-migrations'

/** Applies the steps this database lacks; returns the versions applied now. */
export async function migrate(sql: Sql): Promise<number[]> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAME}))`
    await tx`CREATE TABLE IF NOT EXISTS deck_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`
    const rows = await tx<{ version: number }[]>`SELECT version FROM deck_schema_migrations`
    const done = new Set(rows.map((row) => row.version))
    const applied: number[] = []
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue
      await tx.unsafe(step.sql)
      await tx`INSERT INTO deck_schema_migrations (version, name) VALUES (${step.version}, ${step.name})`
      applied.push(step.version)
    }
    return applied
  })
}
