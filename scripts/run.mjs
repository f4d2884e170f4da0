#!/usr/bin/env node
// Entry of `npm test` and `npm run demo`: install, build, find Redis (and PostgreSQL and Chromium for tests), then run.
import { spawnSync } from 'node:child_process'
import { build, ensureInstalled, ROOT } from './lib/workspace.mjs'
import { ensureRedis, redisObtainable, NO_REDIS_HELP } from './lib/redis.mjs'
import { ensurePostgres } from './lib/postgres.mjs'
import { ensureChromium } from './lib/chromium.mjs'

const [command, ...rest] = process.argv.slice(2)

async function test() {
  ensureInstalled()
  build()
  const redis = await ensureRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
  const database = await ensurePostgres(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  ensureChromium()
  console.log(`• running tests against ${redis.url} and PostgreSQL at ${new URL(database).host}`)
  const result = spawnSync('npx', ['tap', ...rest], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TEST_REDIS_URL: redis.url, TEST_DATABASE_URL: database },
  })
  await redis.stop()
  process.exit(result.status ?? 1)
}

async function demo() {
  const keep = rest.includes('--keep')
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  // Say so before spending a minute on install and build.
  if (!(await redisObtainable(redisUrl))) {
    console.error(NO_REDIS_HELP)
    process.exit(1)
  }
  ensureInstalled()
  build()
  const redis = await ensureRedis(redisUrl)
  const { runDemo } = await import('./demo.mjs')
  const code = await runDemo({ redisUrl: redis.url, keep })
  await redis.stop()
  process.exit(code)
}

const commands = { test, demo }
if (!commands[command]) {
  console.error(`usage: node scripts/run.mjs ${Object.keys(commands).join('|')} [args]`)
  process.exit(2)
}
await commands[command]()
