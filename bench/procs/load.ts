// The load generator of the enqueue phase, in its own process so it does not share a CPU queue
// with the server it measures. Prints one JSON line with autocannon's figures.
import autocannon from 'autocannon'

const [url, token, payload, seconds, connections] = process.argv.slice(2)
let counter = 0
const body = (moduleId: string) => JSON.stringify({ mode: 'single_module', target: { course_id: 'course-bench', module_id: moduleId }, settings: { target_card_count: 10 } })
const fixed = body('mod-same')

const result = await autocannon({
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // Unique module ids make every request a new job; `same` measures the deduplication hit.
      setupRequest: (request) => ({ ...request, body: payload === 'unique' ? body(`mod-${process.pid}-${++counter}`) : fixed }),
    },
  ],
})
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  })}\n`,
)
