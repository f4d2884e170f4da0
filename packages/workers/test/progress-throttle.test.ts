import t from 'tap'
import { waitFor } from '@flashcards/test-support'
import { ProgressThrottle } from '../src/runtime/progress-throttle.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A send that records values and can be held open, like a slow Redis round trip. */
function recorder() {
  const sent: unknown[] = []
  let inFlight = 0
  let maxInFlight = 0
  let hold: Promise<void> = Promise.resolve()
  return {
    sent,
    get maxInFlight() {
      return maxInFlight
    },
    holdFor(ms: number) {
      hold = sleep(ms).then(() => undefined)
    },
    send: async (value: unknown) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await hold
      sent.push(value)
      inFlight--
    },
  }
}

t.test('values reported within the interval go out once, the latest; the final one at once', async (t) => {
  const r = recorder()
  const throttle = new ProgressThrottle({ send: r.send, onError: (err) => t.fail(err.message), intervalMs: 100 })
  await throttle.report(5)
  await throttle.report(10)
  await throttle.report(15)
  t.same(r.sent, [], 'nothing written within the first interval')
  await waitFor('the coalesced write', () => r.sent.length === 1, 5_000, 5)
  t.same(r.sent, [15], 'only the latest of the three')
  await throttle.report(60)
  await throttle.report(100, true)
  t.same(r.sent, [15, 100], 'the final value is written before report() resolves, replacing 60')
  await sleep(150)
  t.same(r.sent, [15, 100], 'no timer left to write anything else')
})

t.test('at most one write in flight; what arrives meanwhile follows it', async (t) => {
  const r = recorder()
  const throttle = new ProgressThrottle({ send: r.send, onError: (err) => t.fail(err.message), intervalMs: 20, startedAt: 0 })
  r.holdFor(80)
  await throttle.report(1)
  for (const value of [2, 3, 4]) await throttle.report(value)
  await waitFor('the follow-up write', () => r.sent.length === 2, 5_000, 5)
  t.same(r.sent, [1, 4])
  t.equal(r.maxInFlight, 1)
})

t.test('flush() writes what is pending; a final write that fails rejects, a background one is reported', async (t) => {
  const r = recorder()
  const throttle = new ProgressThrottle({ send: r.send, onError: (err) => t.fail(err.message), intervalMs: 10_000 })
  await throttle.report(42)
  await throttle.flush()
  t.same(r.sent, [42])
  await throttle.flush()
  t.same(r.sent, [42], 'nothing pending, nothing written')

  const errors: string[] = []
  const failing = new ProgressThrottle({ send: async () => Promise.reject(new Error('redis down')), onError: (err) => errors.push(err.message), intervalMs: 10, startedAt: 0 })
  await failing.report(7)
  await waitFor('the background error', () => errors.length === 1, 5_000, 5)
  await t.rejects(failing.report(100, true), /redis down/)
  t.same(errors, ['redis down'])
})
