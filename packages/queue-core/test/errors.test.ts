import t from 'tap'
import { codedError, ConfigError, FLASHCARD_ERROR_CODES, FlashcardError, JobLogCorruptError } from '../src/errors.js'

t.test('FlashcardError: one class for the API codes, each with its status and retryability', async (t) => {
  const expected = { VALIDATION_ERROR: [400, false], NOT_FOUND: [404, false], CONFLICT: [409, false], QUEUE_FULL: [429, true], UNAVAILABLE: [503, true] }
  t.same(Object.keys(FLASHCARD_ERROR_CODES).sort(), Object.keys(expected).sort())
  for (const [code, [statusCode, retryable]] of Object.entries(expected)) {
    const err = new FlashcardError(code as keyof typeof expected, 'm', { details: { a: 1 }, retryAfterSeconds: 3 })
    t.match(err, { name: 'FlashcardError', code, statusCode, retryable, message: 'm', details: { a: 1 }, retryAfterSeconds: 3 }, code)
  }
  const cause = new Error('socket closed')
  t.equal(new FlashcardError('UNAVAILABLE', 'down', { cause }).cause, cause, 'keeps its cause')
})

t.test('codedError: classes named after themselves, with a fixed code and an overridable retryability', async (t) => {
  class ExampleError extends codedError({ code: 'EXAMPLE', statusCode: 418, retryable: true }) {}
  const err = new ExampleError('teapot', { details: { pot: 'full' } })
  t.ok(err instanceof Error)
  t.match(err, { name: 'ExampleError', code: 'EXAMPLE', statusCode: 418, retryable: true, details: { pot: 'full' }, message: 'teapot' })
  t.equal(new ExampleError('x', { retryable: false }).retryable, false)
  class Base extends Error {}
  class OnBase extends codedError({ code: 'ON_BASE', statusCode: 500, retryable: false }, Base) {}
  t.ok(new OnBase('x') instanceof Base, "extends the library's class it is given")

  t.match(new ConfigError(['A is bad', 'B is bad']), {
    name: 'ConfigError',
    code: 'CONFIG_INVALID',
    problems: ['A is bad', 'B is bad'],
    message: 'Invalid configuration:\n  - A is bad\n  - B is bad',
  })
  t.match(new JobLogCorruptError('j', '/logs/j.json', 'not JSON'), { name: 'JobLogCorruptError', code: 'JOB_LOG_CORRUPT', jobId: 'j', location: '/logs/j.json' })
})
