import t from 'tap'
import { Writable } from 'node:stream'
import { createLogger } from '../src/runtime/logger.js'
import { createOutageLog } from '../src/runtime/outage-log.js'

t.test('an outage is logged at once, then once a minute with what was left out, and its end once', async (t) => {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>)
      done()
    },
  })
  let clock = 0
  const outage = createOutageLog(createLogger({ name: 'w', debug: false, destination }), 'redis unavailable', 60_000, () => clock)
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379')
  outage.recovered()
  t.equal(lines.length, 0, 'no recovery without an outage')
  outage.error(refused)
  for (clock = 1_000; clock < 60_000; clock += 1_000) outage.error(refused)
  t.equal(lines.length, 1, 'one line in the first minute')
  outage.error(refused)
  t.match(lines[1], { msg: 'redis unavailable', repeated: 59, err: refused.message }, 'a minute later, one line saying how many were left out')
  outage.error(refused)
  outage.recovered()
  outage.recovered()
  t.match(lines.slice(2), [{ msg: 'redis unavailable: recovered', repeated: 1 }], 'the end of the outage, once')
  outage.error(refused)
  t.equal(lines.length, 4, 'a new outage is logged at once')
})
