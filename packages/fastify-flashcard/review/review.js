// The review page: plain DOM, no framework. Card text only ever goes through textContent, so
// whatever a card holds is shown as text, never run as HTML.
'use strict'

const TOKEN_KEY = 'flashcards.token'
const COURSES_KEY = 'flashcards.courses'
const PAGE = 50
// The API sits under the same prefix as this page: <prefix>/review/ → <prefix>.
const API = location.pathname.replace(/\/review(\/.*)?$/, '')
const $ = (id) => document.getElementById(id)
const state = { course: '', module: null, offset: 0, status: '' }

class ApiFailure extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

async function api(path, options = {}) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` }
  if (options.body) headers['content-type'] = 'application/json'
  const response = await fetch(API + path, { ...options, headers })
  if (response.status === 401) {
    signOut('Your token was refused. Sign in again.')
    throw new ApiFailure(401, 'Not signed in')
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null)
    throw new ApiFailure(response.status, body?.error?.message ?? `Request failed (${response.status})`)
  }
  return response
}

const apiJson = async (path, options) => (await (await api(path, options)).json()).data

function showError(element, error) {
  element.textContent = error ? error.message : ''
  element.hidden = !error
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY)
  $('app').hidden = true
  $('session').hidden = true
  $('login').hidden = false
  showError($('login-error'), message ? new Error(message) : null)
  $('token').focus()
}

function signedIn() {
  $('login').hidden = true
  $('app').hidden = false
  $('session').hidden = false
  renderRecentCourses()
  $('course').focus()
}

function recentCourses() {
  try {
    return JSON.parse(localStorage.getItem(COURSES_KEY) ?? '[]')
  } catch {
    return []
  }
}

function renderRecentCourses() {
  const list = $('recent-courses')
  list.replaceChildren(...recentCourses().map((id) => Object.assign(document.createElement('option'), { value: id })))
}

function remember(course) {
  const courses = [course, ...recentCourses().filter((c) => c !== course)].slice(0, 10)
  localStorage.setItem(COURSES_KEY, JSON.stringify(courses))
  renderRecentCourses()
}

function el(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

async function openCourse(course) {
  state.course = course
  state.module = null
  $('deck-view').hidden = true
  $('deck-placeholder').hidden = false
  await listModules()
}

/** The course's modules with their review progress (again after each review, to keep it current). */
async function listModules() {
  showError($('course-error'), null)
  const list = $('modules')
  try {
    const page = await apiJson(`/decks/${encodeURIComponent(state.course)}?limit=500`)
    if (page.items.length === 0) throw new Error(`Course "${state.course}" has no decks yet.`)
    remember(state.course)
    $('course-exports').hidden = false
    list.replaceChildren(...page.items.map(moduleItem))
  } catch (error) {
    list.replaceChildren()
    $('course-exports').hidden = true
    showError($('course-error'), error)
  }
}

function moduleItem(deck) {
  const item = el('li')
  const button = el('button', 'module')
  button.type = 'button'
  button.dataset.module = deck.module_id
  const bar = el('span', 'progress')
  bar.append(el('span', 'progress-fill'))
  bar.firstChild.style.width = `${Math.round(deck.progress * 100)}%`
  button.append(
    el('span', 'module-title', deck.module_title ?? deck.module_id),
    el('span', 'module-meta muted', `${deck.reviewed} of ${deck.card_count} reviewed · rev ${deck.revision}`),
    bar,
  )
  button.classList.toggle('selected', deck.module_id === state.module)
  button.addEventListener('click', () => openModule(deck.module_id))
  item.append(button)
  return item
}

async function openModule(module) {
  state.module = module
  state.offset = 0
  for (const b of document.querySelectorAll('button.module')) b.classList.toggle('selected', b.dataset.module === module)
  $('cards').replaceChildren()
  await loadCards()
}

async function loadCards() {
  const query = new URLSearchParams({ offset: String(state.offset), limit: String(PAGE) })
  if (state.status) query.set('status', state.status)
  showError($('deck-error'), null)
  try {
    const deck = await apiJson(`/decks/${encodeURIComponent(state.course)}/${encodeURIComponent(state.module)}?${query}`)
    $('deck-placeholder').hidden = true
    $('deck-view').hidden = false
    $('deck-title').textContent = deck.module_title ?? deck.key.module_id
    $('deck-meta').textContent =
      `${deck.course_title ?? deck.key.course_id} · revision ${deck.revision} of ${deck.revisions} · updated ${new Date(deck.updated_at).toLocaleString()}`
    $('deck-count').textContent = `${deck.total} card${deck.total === 1 ? '' : 's'}`
    for (const card of deck.cards) $('cards').append(cardItem(card))
    state.offset = deck.next_offset ?? state.offset
    $('more').hidden = deck.next_offset === null
  } catch (error) {
    showError($('deck-error'), error)
  }
}

/** A cloze front as a learner sees it: each {{cN::answer::hint}} a blank until revealed. */
function renderCloze(target, text, revealed) {
  const parts = []
  let last = 0
  // Answer and hint each stop at the first '::' or '}}' in a way no two parts share text: linear on any front.
  for (const match of text.matchAll(/\{\{c\d+::((?:[^:}\n]|:(?!:)|\}(?!\}))*)(?:::((?:[^}\n]|\}(?!\}))*))?\}\}/g)) {
    parts.push(document.createTextNode(text.slice(last, match.index)))
    const blank = el('span', revealed ? 'cloze shown' : 'cloze', revealed ? match[1] : `[${match[2] ?? '…'}]`)
    parts.push(blank)
    last = match.index + match[0].length
  }
  parts.push(document.createTextNode(text.slice(last)))
  target.replaceChildren(...parts)
}

function sourceLine(source) {
  const parts = [source.file, source.heading].filter(Boolean)
  if (source.start_seconds !== undefined) parts.push(`${Math.floor(source.start_seconds / 60)}:${String(Math.floor(source.start_seconds % 60)).padStart(2, '0')}`)
  return parts.length ? `Source: ${parts.join(' · ')}` : ''
}

function fillCard(item, card) {
  const text = card.edited ?? card
  item.dataset.id = card.id
  item.dataset.status = card.status
  item.querySelector('.type').textContent = card.type === 'cloze' ? 'Cloze' : 'Basic'
  item.querySelector('.status').textContent = card.status
  item.querySelector('.status').className = `status status-${card.status}`
  item.querySelector('.source').textContent = sourceLine(card.source)
  const front = item.querySelector('.front')
  const back = item.querySelector('.back')
  const reveal = item.querySelector('.reveal')
  const show = (revealed) => {
    if (card.type === 'cloze') renderCloze(front, text.front, revealed)
    else front.textContent = text.front
    back.textContent = text.back
    back.hidden = !revealed || card.type === 'cloze'
    reveal.textContent = revealed ? 'Hide answer' : 'Show answer'
    reveal.onclick = () => show(!revealed)
  }
  show(false)
  item.querySelector('.approve').disabled = card.status === 'approved'
  item.querySelector('.reject').disabled = card.status === 'rejected'
}

async function patchCard(item, patch) {
  showError(item.querySelector('.card-error'), null)
  try {
    const card = await apiJson(`/decks/${encodeURIComponent(state.course)}/${encodeURIComponent(state.module)}/cards/${encodeURIComponent(item.dataset.id)}`, {
      method: 'PATCH',
      body: JSON.stringify(patch),
    })
    fillCard(item, card)
    void listModules()
    return card
  } catch (error) {
    showError(item.querySelector('.card-error'), error)
    return null
  }
}

function cardItem(card) {
  const item = $('card-template').content.firstElementChild.cloneNode(true)
  let current = card
  const update = async (patch) => (current = (await patchCard(item, patch)) ?? current)
  fillCard(item, card)
  const form = item.querySelector('.edit')
  item.querySelector('.approve').addEventListener('click', () => update({ status: 'approved' }))
  item.querySelector('.reject').addEventListener('click', () => update({ status: 'rejected' }))
  item.querySelector('.edit-button').addEventListener('click', () => {
    const text = current.edited ?? current
    form.front.value = text.front
    form.back.value = text.back
    form.hidden = false
    form.front.focus()
  })
  item.querySelector('.cancel').addEventListener('click', () => {
    form.hidden = true
    showError(item.querySelector('.card-error'), null)
  })
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const before = current
    await update({ front: form.front.value.trim(), back: form.back.value.trim() })
    if (current !== before) form.hidden = true
  })
  return item
}

async function download(format, scope) {
  const path = scope === 'course' ? `/decks/${encodeURIComponent(state.course)}` : `/decks/${encodeURIComponent(state.course)}/${encodeURIComponent(state.module)}`
  const target = scope === 'course' ? $('course-error') : $('deck-error')
  try {
    const response = await api(`${path}/export?format=${format}`)
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `deck.${format}`
    const url = URL.createObjectURL(await response.blob())
    const link = Object.assign(document.createElement('a'), { href: url, download: name })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  } catch (error) {
    showError(target, error)
  }
}

function start() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault()
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim())
    $('token').value = ''
    signedIn()
  })
  $('sign-out').addEventListener('click', () => signOut())
  $('course-form').addEventListener('submit', (event) => {
    event.preventDefault()
    openCourse($('course').value.trim())
  })
  $('status-filter').addEventListener('change', () => {
    state.status = $('status-filter').value
    if (state.module) openModule(state.module)
  })
  $('more').addEventListener('click', loadCards)
  for (const button of document.querySelectorAll('[data-export]')) {
    button.addEventListener('click', () => download(button.dataset.export, button.dataset.scope))
  }
  if (sessionStorage.getItem(TOKEN_KEY)) signedIn()
  else signOut()
}

start()
