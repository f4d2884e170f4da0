import type { TimedSegment } from '../../extract/index.js'

/** Seconds from a number or a `[hh:]mm:ss[.mmm]` string, as speech models write either. */
export function toSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(?:(\d+):)?(\d+):(\d+(?:[.,]\d+)?)\s*$/.exec(value)
  if (match) return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]!.replace(',', '.'))
  const plain = Number(value)
  return Number.isFinite(plain) && plain >= 0 ? plain : undefined
}

/** Keeps the segments that have text and a sane time range; drops the rest. */
export function cleanSegments(raw: unknown): TimedSegment[] {
  if (!Array.isArray(raw)) return []
  const segments: TimedSegment[] = []
  for (const item of raw as Record<string, unknown>[]) {
    const text = typeof item?.text === 'string' ? item.text.trim() : ''
    const start = toSeconds(item?.start)
    const end = toSeconds(item?.end)
    if (text === '' || start === undefined || end === undefined || end < start) continue
    segments.push({ start, end, text })
  }
  return segments
}
