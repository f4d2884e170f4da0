/**
 * An extraction thread of the sandbox: detects a file's type and extracts its text, one request
 * at a time, with the same extractors (and expansion limits) as in-process extraction. It runs
 * under the heap limit its Worker was started with, and is stopped from outside when it takes too
 * long; neither can harm the worker's main thread.
 */
import { parentPort } from 'node:worker_threads'
import { detectType } from '../detect.js'
import { extractDocument } from '../index.js'
import { ExtractionError } from '../types.js'
import { THREAD_READY, type SandboxReply, type SandboxRequest } from './protocol.js'

async function handle(request: SandboxRequest): Promise<SandboxReply> {
  try {
    const detected = await detectType(request.bytes, request.hint)
    if (request.mode === 'detect' || detected.kind === 'media') return { ok: true, analysis: { detected } }
    return { ok: true, analysis: { detected, document: await extractDocument(request.bytes, detected.format, request.hint) } }
  } catch (err) {
    if (err instanceof ExtractionError) return { ok: false, message: err.message, extraction: { file: err.file, reason: err.reason, message: err.message } }
    return { ok: false, message: err instanceof Error ? err.message : String(err) }
  }
}

parentPort!.on('message', (request: SandboxRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply))
})
parentPort!.postMessage(THREAD_READY)
