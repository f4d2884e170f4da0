import t from 'tap'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createDeckStore, noteGuid, type Deck } from '@flashcards/queue-core'
import { deckIdByName, readApkg } from '@flashcards/test-support/apkg'
import { launchChromium } from './support/chromium.js'
import { XSS_FRONT, seedDeck } from '@flashcards/test-support/decks'
import { ROOT } from '@flashcards/test-support'
import { startApiServer } from './support/processes.js'
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '@flashcards/test-support/redis'

/*
 * The review page in headless Chromium against the real example server and Redis: sign in with
 * a token, open a course and a module, edit, approve and reject cards, download an export and
 * open it; a screenshot is kept in test-output/review.png.
 */
const TOKEN = 'review-token-0001'
const OTHER = 'review-token-0002'
const OUT = join(ROOT, 'test-output')
const prefix = uniquePrefix('review-page')
const key = { tenant: 'tenant-a', course_id: 'shell', module_id: 'pipes' }

const redis = new Redis(TEST_REDIS_URL)
const store = await createDeckStore({ decks: { store: 'redis', databaseUrl: undefined }, queue: { prefix: prefix }, redis: { url: TEST_REDIS_URL } }, { redis })
await seedDeck(store, key, { module_title: 'Pipes and Filters' })
await seedDeck(store, { ...key, module_id: 'loops' }, { module_title: 'Loops' })
const server = await startApiServer({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, API_TOKENS: `${TOKEN}:tenant-a,${OTHER}:tenant-b` })
const chromium = await launchChromium()
t.teardown(async () => {
  await chromium.close()
  await server.stop()
  await store.close()
  await redis.quit()
  await deletePrefix(prefix)
})

const page = await chromium.context.newPage()
const problems: string[] = []
page.on('console', (msg) => {
  // The refused cloze edit below is a 400 on purpose; anything else (a CSP violation included) is a problem.
  if (msg.type() === 'error' && !/status of 400/.test(msg.text())) problems.push(`${msg.text()} (${msg.location().url})`)
})
page.on('pageerror', (err) => problems.push(err.message))
page.on('dialog', (dialog) => {
  problems.push(`dialog: ${dialog.message()}`)
  void dialog.dismiss()
})
const card = (id: string) => page.locator(`li.card[data-id="${id}"]`)

t.test('sign in, open a course and a module', async (t) => {
  const response = await page.goto(`${server.base}/review/`)
  t.match(response!.headers()['content-security-policy'], /script-src 'self'/)
  await page.fill('#token', TOKEN)
  await page.click('#login-form button[type=submit]')
  await page.fill('#course', 'shell')
  await page.click('#course-form button[type=submit]')
  await page.click('button.module[data-module="pipes"]')
  await card('pipes-wc').waitFor()
  t.equal(await page.textContent('#deck-title'), 'Pipes and Filters')
  t.equal(await page.locator('li.card').count(), 4)
  t.match(await page.textContent('button.module[data-module="loops"]'), /0 of 4 reviewed/)
})

t.test('card text is shown as text; cloze is a blank until revealed', async (t) => {
  t.equal(await card('pipes-xss').locator('.front').textContent(), XSS_FRONT)
  t.equal(await page.locator('#cards img').count(), 0, 'no element made from card text')
  t.not(await page.title(), 'pwned')
  const cloze = card('pipes-pipe')
  t.equal(await cloze.locator('.cloze').textContent(), '[…]')
  t.notMatch(await cloze.locator('.front').textContent(), /pipe\./)
  await cloze.locator('.reveal').click()
  t.equal(await cloze.locator('.cloze').textContent(), 'pipe')
  const basic = card('pipes-wc')
  t.notOk(await basic.locator('.back').isVisible())
  await basic.locator('.reveal').click()
  t.equal(await basic.locator('.back').textContent(), 'wc')
})

t.test('edit, approve and reject inline; the store has it', async (t) => {
  const wc = card('pipes-wc')
  await wc.locator('.edit-button').click()
  await wc.locator('textarea[name=front]').fill('Which shell command counts lines, words and characters?')
  await wc.locator('.edit button[type=submit]').click()
  await wc.locator('.status-edited').waitFor()
  t.equal(await wc.locator('.front').textContent(), 'Which shell command counts lines, words and characters?')
  t.notOk(await wc.locator('.edit').isVisible(), 'editor closes on save')

  await card('pipes-sort').locator('.approve').click()
  await card('pipes-sort').locator('.status-approved').waitFor()
  await card('pipes-xss').locator('.reject').click()
  await card('pipes-xss').locator('.status-rejected').waitFor()

  const cloze = card('pipes-pipe')
  await cloze.locator('.edit-button').click()
  await cloze.locator('textarea[name=front]').fill('No deletion left')
  await cloze.locator('.edit button[type=submit]').click()
  await cloze.locator('.card-error').waitFor()
  t.match(await cloze.locator('.card-error').textContent(), /c1::/, 'the API refusal is shown on the card')
  await cloze.locator('.cancel').click()

  await page.locator('button.module[data-module="pipes"]', { hasText: '3 of 4 reviewed' }).waitFor()
  t.ok(await page.locator('button.module.selected[data-module="pipes"]').count(), 'progress refreshed, module still selected')

  const deck = (await store.getDeck(key)) as Deck
  const status = Object.fromEntries(deck.cards.map((c) => [c.id, c.status]))
  t.same(status, { 'pipes-xss': 'rejected', 'pipes-pipe': 'new', 'pipes-wc': 'edited', 'pipes-sort': 'approved' })
})

t.test('export buttons download files Anki opens', async (t) => {
  mkdirSync(OUT, { recursive: true })
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.deck-head [data-export="apkg"]')])
  t.equal(download.suggestedFilename(), 'shell-pipes.apkg')
  const path = join(OUT, 'review-deck.apkg')
  await download.saveAs(path)
  const apkg = await readApkg(readFileSync(path))
  t.equal(apkg.integrity, 'ok')
  t.equal(apkg.notes.length, 3, 'the rejected card is left out')
  const edited = apkg.notes.find((n) => n.guid === noteGuid(key, 'pipes-wc'))
  t.equal(edited?.fields[0], 'Which shell command counts lines, words and characters?')
  t.ok(deckIdByName(apkg, 'Unix Shell::Pipes and Filters'))

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#course-exports [data-export="csv"]')])
  t.equal(csv.suggestedFilename(), 'shell.csv')
  const text = readFileSync(await csv.path(), 'utf8')
  t.match(text, /^#separator:Comma/)
  t.match(text, /Unix Shell::Loops/)

  await page.screenshot({ path: join(OUT, 'review.png'), fullPage: true })
  t.same(problems, [], 'no console error, CSP violation or dialog')
})

t.test('the filter and another tenant', async (t) => {
  await page.selectOption('#status-filter', 'approved')
  await page.locator('li.card').first().waitFor()
  await page.waitForFunction("document.querySelectorAll('li.card').length === 1")
  t.equal(await page.textContent('#deck-count'), '1 card')

  await page.click('#sign-out')
  await page.fill('#token', OTHER)
  await page.click('#login-form button[type=submit]')
  await page.fill('#course', 'shell')
  await page.click('#course-form button[type=submit]')
  await page.locator('#course-error').waitFor()
  t.match(await page.textContent('#course-error'), /no decks/)
  t.equal(await page.locator('button.module').count(), 0)

  await page.click('#sign-out')
  await page.fill('#token', 'wrong-token-0000')
  await page.click('#login-form button[type=submit]')
  await page.fill('#course', 'shell')
  await page.click('#course-form button[type=submit]')
  await page.locator('#login-error').waitFor()
  t.match(await page.textContent('#login-error'), /refused/)
})
