/**
 * Text files come in UTF-8 or, from older tools, in Latin-1 / Windows-1252. Bytes that are not
 * valid UTF-8 are read as Windows-1252 (what browsers use for `latin1`, a superset of ISO-8859-1),
 * which maps every byte to a character: whether the result is text is then decided by its
 * characters, not by the decode failing.
 */

/** C0 controls other than tab, newline, form feed and carriage return: binary, not text. */
const BINARY_C0 = /[\u0000-\u0008\u000E-\u001F]/
/** The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to C1 controls. */
const UNDEFINED_1252 = /[\u0080-\u009F]/

export type TextEncodingName = 'utf-8' | 'windows-1252'

/**
 * Windows-1252's characters for bytes 0x80–0x9F (undefined ones stay C1 controls). Spelt out:
 * Node's TextDecoder('windows-1252') decodes these bytes as ISO-8859-1 C1 controls.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ'
const C1 = /[\u0080-\u009F]/g

function windows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(C1, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80]!)
}

/** How `bytes` decode: UTF-8 when valid (a character cut at the end of a sample is allowed), else Windows-1252. */
export function decodeWithFallback(bytes: Uint8Array, partial = false): { text: string; encoding: TextEncodingName } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial }), encoding: 'utf-8' }
  } catch {
    return { text: windows1252(bytes), encoding: 'windows-1252' }
  }
}

/** True for bytes that read as text (UTF-8 or Windows-1252) without control characters other than whitespace. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024)
  const { text, encoding } = decodeWithFallback(sample, sample.length < bytes.length)
  return !BINARY_C0.test(text) && !(encoding === 'windows-1252' && UNDEFINED_1252.test(text))
}

/** A text file's content: decoded as above, without a byte order mark, newlines as `\n`. */
export function decodeText(bytes: Uint8Array): string {
  return decodeWithFallback(bytes)
    .text.replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
}
