/** Helpers every test may use; Redis, PostgreSQL and fake LLM servers are the subpaths `./redis`, `./postgres`, `./llm`. */
export { waitFor } from './wait-for.js'
export { freePort, portIsFree, LOOPBACK } from './ports.js'
export { ROOT, startProcess, tailOf, rssOf, type ManagedProcess, type ProcessEnd, type StartOptions } from './processes.js'
