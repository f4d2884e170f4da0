import type { Shortfall } from '@flashcards/queue-core'
import { DROP_CHECKS, type DropReason, type Rejection } from './validate.js'

/** Drafts dropped per reason, as the module's stats report them. */
export function dropCounts(rejected: Rejection[]): Partial<Record<DropReason, number>> {
  const counts: Partial<Record<DropReason, number>> = {}
  for (const { reason } of rejected) counts[reason] = (counts[reason] ?? 0) + 1
  return counts
}

/** The drafts every round dropped, per check id, most frequent first, as one line and as counts. */
export function dropSummary(rejected: Rejection[], concepts: number): { why: string; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {}
  for (const { reason } of rejected) {
    if (reason === 'over_target') continue
    dropped[DROP_CHECKS[reason].check] = (dropped[DROP_CHECKS[reason].check] ?? 0) + 1
  }
  const lines = Object.entries(dropped)
    .sort(([, a], [, b]) => b - a)
    .map(([check, count]) => `${check} ×${count} (${lineOf(check)})`)
  const why = lines.length > 0 ? `drafts dropped: ${lines.join(', ')}` : `stage A found ${concepts} concept(s) and no draft was written for more`
  return { why, dropped }
}

/** Why a module has fewer cards than asked; undefined when the target was reached. */
export function shortfallOf(asked: number, produced: number, rejected: Rejection[], concepts: number): Shortfall | undefined {
  if (produced >= asked) return undefined
  const { why, dropped } = dropSummary(rejected, concepts)
  return { asked, produced, reason: `the material supports ${produced} of ${asked} card(s) that pass every check; ${why}`, dropped }
}

function lineOf(check: string): string {
  return [
    ...new Set(
      Object.values(DROP_CHECKS)
        .filter((entry) => entry.check === check)
        .map((entry) => entry.line),
    ),
  ].join(' / ')
}
