import type { GoogleGenAI } from '@google/genai'

/** The @google/genai module. */
export type Genai = typeof import('@google/genai')

export interface GoogleClientOptions {
  /** GEMINI_API_KEY or GOOGLE_AI_API_KEY. */
  apiKey: string
  /** GEMINI_BASE_URL: another endpoint speaking the Gemini API (tests use a loopback server). */
  baseUrl?: string
}

export interface GoogleClient {
  genai: Genai
  client: GoogleGenAI
}

/**
 * The one way the LLM provider and speech-to-text build their Google client: the SDK is imported
 * on the first call (workers on another provider never load it) and the client made once, from
 * the same options, however many calls ask for it at the same time.
 */
export function lazyGoogleClient(options: GoogleClientOptions): () => Promise<GoogleClient> {
  let loading: Promise<GoogleClient> | undefined
  return () =>
    (loading ??= import('@google/genai').then((genai) => ({
      genai,
      client: new genai.GoogleGenAI({ apiKey: options.apiKey, ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}) }),
    })))
}
