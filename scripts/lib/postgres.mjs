// Finds a PostgreSQL for the tests, or starts this machine's cluster the way it is started here.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

/**
 * True when `pg_isready` says the server takes connections. Without the client tools there is
 * nothing to start either: the URL is taken as given and the tests say if it does not answer.
 */
function ready(url) {
  const probe = spawnSync('pg_isready', ['-d', url, '-t', '2'], { stdio: 'ignore' })
  return probe.error ? true : probe.status === 0
}

export const NO_POSTGRES_HELP = `
✖ No PostgreSQL answers at TEST_DATABASE_URL and none could be started.

  The deck store tests need PostgreSQL (15 or newer). Either:
    • install Debian's package (sudo apt install postgresql) and start it:
        pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    • or start one with Docker:
        docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
    • or point TEST_DATABASE_URL at an existing server (a user that may create schemas).
`

/** Starts every Debian cluster that is down (pg_ctlcluster, as this machine starts its own). */
function startDebianClusters() {
  if (!existsSync('/etc/postgresql')) return false
  let started = false
  for (const version of readdirSync('/etc/postgresql')) {
    for (const cluster of readdirSync(`/etc/postgresql/${version}`)) {
      const result = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, cluster, 'start'], { stdio: 'inherit' })
      started ||= result.status === 0
    }
  }
  return started
}

/**
 * Returns the URL of a PostgreSQL that takes connections: the given one when it answers, else
 * after starting the machine's clusters. Exits 1 with guidance when neither works.
 */
export async function ensurePostgres(url) {
  if (ready(url)) return url
  if (startDebianClusters()) {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      if (ready(url)) {
        console.log(`• started the machine's PostgreSQL cluster for ${new URL(url).host}`)
        return url
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  console.error(NO_POSTGRES_HELP)
  process.exit(1)
}
