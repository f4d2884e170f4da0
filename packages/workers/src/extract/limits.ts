/**
 * How far a file may expand while it is turned into text. Each is checked before the expensive
 * step it guards (inflating a zip entry, loading PDF pages, cleaning a subtitle cue), so a small
 * hostile file is refused in milliseconds with an `ExtractionError` (reason `limit`) naming the
 * limit, instead of taking gigabytes or minutes. HTML has its own (`HTML_LIMITS`, html.ts).
 * Memory and time as a whole are bounded by the extraction sandbox (EXTRACT_MAX_HEAP_MB,
 * EXTRACT_TIMEOUT_MS).
 */
export const EXTRACT_LIMITS = {
  docx: {
    /** Entries in the archive; a long Word document holds a few dozen, plus one per image. */
    maxEntries: 10_000,
    /** Largest part inflated (document.xml, styles…): a 1,000-page book's document.xml is about 20 MB. */
    maxPartBytes: 32 * 1024 * 1024,
    /** All parts inflated together. */
    maxTotalBytes: 64 * 1024 * 1024,
    /**
     * Largest inflated / stored size of a part over `ratioFloorBytes`. Word XML compresses about
     * 10:1, rarely past 30:1; a zip bomb is 1,000:1 (the 1 MB file held 300 MB of XML).
     */
    maxRatio: 100,
    ratioFloorBytes: 1024 * 1024,
  },
  pdf: {
    /** Pages read; a long textbook has 1,500. A 32 MB file can declare 200,000. */
    maxPages: 5_000,
    /** Pages whose text is read at once (pdf.js would otherwise start every page together). */
    pageConcurrency: 4,
  },
  subtitles: {
    /** Characters in one cue (its text lines); a spoken cue is under 200. */
    maxCueChars: 10_000,
  },
} as const
