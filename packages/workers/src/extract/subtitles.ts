import { EXTRACT_LIMITS } from './limits.js'
import { ExtractionError, type TimedSegment } from './types.js'

// hh:mm:ss.mmm (VTT, hours optional) or hh:mm:ss,mmm (SRT).
const TIMESTAMP = /(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/
const CUE_TIMING = new RegExp(`^\\s*${TIMESTAMP.source}\\s*-->\\s*${TIMESTAMP.source}`)

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms.padEnd(3, '0')) / 1000
}

/** Drops markup a subtitle line may carry: VTT tags (<b>, <v Speaker>, <00:01.000>), SSA overrides ({\an8}), entities. */
function plainCueText(lines: string[]): string {
  return lines
    .map((line) =>
      line
        .replace(/<v(?:\.[^\s<>]+)?\s+([^\s<>][^<>]*)>/g, '$1: ')
        .replace(/<[^<>]*>/g, '')
        .replace(/\{\\[^{}]*\}/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&nbsp;/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '')
    .join(' ')
}

/**
 * Parses the cues of a WebVTT or SubRip file. Blocks without a timing line (the WEBVTT header,
 * NOTE, STYLE and REGION blocks, stray text) are skipped; cue settings after the timing
 * (`align:start`) are ignored; cues without text are dropped. A cue longer than
 * `EXTRACT_LIMITS.subtitles.maxCueChars` is refused (`ExtractionError` naming `file`) before its
 * markup is cleaned: no spoken cue is that long.
 */
export function parseSubtitles(source: string, file = 'subtitles', limits: { maxCueChars: number } = EXTRACT_LIMITS.subtitles): TimedSegment[] {
  const blocks = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
  const segments: TimedSegment[] = []
  for (const block of blocks) {
    const lines = block.split('\n')
    const timingIndex = lines.findIndex((line) => CUE_TIMING.test(line))
    // The timing is the first line, or the second after a cue identifier / SRT counter.
    if (timingIndex < 0 || timingIndex > 1) continue
    if (/^(?:NOTE|STYLE|REGION)\b/.test(lines[0]!)) continue
    const match = CUE_TIMING.exec(lines[timingIndex]!)!
    const start = seconds(match[1], match[2]!, match[3]!, match[4]!)
    const end = seconds(match[5], match[6]!, match[7]!, match[8]!)
    const cue = lines.slice(timingIndex + 1)
    const length = cue.reduce((sum, line) => sum + line.length, 0)
    const max = limits.maxCueChars
    if (length > max) {
      throw new ExtractionError(
        file,
        'limit',
        `the cue at ${formatTimestamp(start)} holds ${length.toLocaleString('en')} characters, over the limit of ${max.toLocaleString('en')} per cue`,
      )
    }
    const text = plainCueText(cue)
    if (text === '' || end < start) continue
    segments.push({ start, end, text })
  }
  return segments
}

/** `hh:mm:ss.mmm`, as WebVTT writes cue times. */
export function formatTimestamp(totalSeconds: number): string {
  const ms = Math.round(totalSeconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const rest = ms % 1000
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(rest, 3)}`
}

/** Serialises segments as a WebVTT document (the transcript format the orchestrator reads back). */
export function toWebVtt(segments: readonly TimedSegment[]): string {
  const cues = segments.map((segment) => `${formatTimestamp(segment.start)} --> ${formatTimestamp(segment.end)}\n${segment.text.replace(/-->/g, '->').replace(/\n\s*\n/g, '\n')}`)
  return `WEBVTT\n\n${cues.join('\n\n')}\n`
}
