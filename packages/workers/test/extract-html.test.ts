/*
 * HTML and Word documents become Markdown the pipeline reads like a Markdown lesson: structure,
 * code and callout boxes kept, and hostile pages refused or converted in linear time.
 */
import t from 'tap'
import { createRequire } from 'node:module'
import { extractText, ExtractionError, HTML_LIMITS, htmlToMarkdown } from '../src/extract/index.js'
import { normaliseDocument } from '../src/pipeline/normalise.js'
import { makeWordDocument, wordParagraph, wordRun, wordTable } from './fixtures/documents.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const page = (body: string, title = 'Lesson') => `<!doctype html><html><head><title>${title}</title><style>p { color: red }</style></head><body>${body}</body></html>`

// Before anything in this file converts a document: importing the extractors loads no converter.
const moduleCache = createRequire(import.meta.url).cache
const loaded = (name: string) => Object.keys(moduleCache).some((file) => file.includes(`/node_modules/${name}/`))
t.test('turndown, Readability and mammoth load with the first file that needs them', async (t) => {
  t.same(['turndown', '@mozilla/readability', 'mammoth'].filter(loaded), [], 'nothing loaded by importing the extractors')
  await extractText(utf8(page('<p>Hello there, reader.</p>')), { filename: 'hello.html' })
  t.ok(loaded('turndown') && loaded('@mozilla/readability'), 'the first HTML file loads turndown and Readability')
  t.notOk(loaded('mammoth'), 'mammoth waits for a Word document')
})

// A Carpentries-style lesson page we wrote, with the furniture a real page has around it.
const LESSON = page(
  `<nav class="navbar"><a href="/">Home</a> <a href="/setup">Setup</a></nav>
<main><article>
<h1>Repeating Actions with Loops</h1>
<div class="callout objectives"><p>Explain what a <em>for loop</em> does.</p></div>
<p>A <strong>for loop</strong> runs a block of code once for each item of a <em>collection</em>.
The loop variable, here <code>number</code>, takes each value in turn (see <a href="../reference.html#loop">loop</a>).</p>
<pre><code class="language-python">for number in [1, 2, 3]:
    if number &gt; 1:
        print(number)
</code></pre>
<h2>Loop variables</h2>
<p>Python uses <em>indentation</em> to know where the body of a loop ends.</p>
<table>
  <thead><tr><th>Keyword</th><th>Meaning</th></tr></thead>
  <tbody><tr><td><code>for</code></td><td>starts a loop</td></tr><tr><td><code>in</code></td><td>names the collection | sequence</td></tr></tbody>
</table>
<ol start="3"><li>Write the header.</li><li>Indent the body:<ul><li>four spaces</li><li>or one tab</li></ul></li></ol>
<div class="callout challenge" id="challenge1"><h3>Summing a list</h3>
<p>Write a loop that adds up the numbers in a list.</p>
<div class="solution"><pre><code class="language-python">total = 0
for n in [1, 2, 3]:
    total = total + n
</code></pre></div></div>
<div class="callout"><p>A box of a single paragraph, which Readability would unwrap.</p></div>
<blockquote class="keypoints"><ul><li>Use <code>for variable in sequence</code> to process a sequence one item at a time.</li><li>The body of a loop must be indented.</li></ul></blockquote>
</article></main>
<footer>Licensed CC-BY 4.0. Subscribe to our newsletter.</footer>
<script>trackVisitor()</script>`,
  'Loops',
)

t.test('an HTML lesson keeps its structure through Readability', async (t) => {
  const doc = await extractText(utf8(LESSON), { filename: 'loops.html' })
  t.equal(doc.format, 'html')
  t.equal(doc.title, 'Loops')
  const md = doc.text
  t.notMatch(md, /Home|Setup|newsletter|trackVisitor|color: red/, 'navigation, footer, script and style dropped (Readability ran)')
  t.match(md, /^# Repeating Actions with Loops$/m, 'the h1 keeps its level (Readability makes it an h2)')
  t.match(md, /^## Loop variables$/m)
  t.ok(
    md.includes(
      'A **for loop** runs a block of code once for each item of a *collection*. The loop variable, here `number`, takes each value in turn (see [loop](../reference.html#loop)).',
    ),
    'bold, italic, inline code and the link in one paragraph',
  )
  t.ok(md.includes('```python\nfor number in [1, 2, 3]:\n    if number > 1:\n        print(number)\n```'), 'the code block, its language and indentation exact')
  t.ok(md.includes('| Keyword | Meaning |\n| --- | --- |\n| `for` | starts a loop |\n| `in` | names the collection \\| sequence |'), 'a GFM table')
  t.ok(md.includes('3. Write the header.\n4. Indent the body:\n   - four spaces\n   - or one tab'), 'an ordered list from its start, a nested list under its item')
  t.ok(md.includes('::::: objectives\n\nExplain what a *for loop* does.\n\n:::::'), 'the objectives box')
  t.ok(
    md.includes(
      '::::: challenge\n\n### Summing a list\n\nWrite a loop that adds up the numbers in a list.\n\n::::: solution\n\n```python\ntotal = 0\nfor n in [1, 2, 3]:\n    total = total + n\n```\n\n:::::\n\n:::::',
    ),
    'the challenge, its solution nested inside',
  )
  t.ok(md.includes('::::: callout\n\nA box of a single paragraph, which Readability would unwrap.\n\n:::::'), 'a one-paragraph box survives Readability')
  t.ok(
    md.includes('::::: keypoints\n\n- Use `for variable in sequence` to process a sequence one item at a time.\n- The body of a loop must be indented.\n\n:::::'),
    'a quote box is a box, not `>` lines',
  )
})

t.test('the page converted whole gives the same boxes and code', async (t) => {
  const { markdown, title } = await htmlToMarkdown(LESSON)
  t.equal(title, 'Loops')
  t.match(markdown, /Home|newsletter/, 'no Readability: the whole page')
  t.notMatch(markdown, /trackVisitor|color: red/)
  const main = (await extractText(utf8(LESSON), { filename: 'loops.html' })).text
  for (const line of ['::::: objectives', '::::: challenge', '::::: solution', '::::: callout', '::::: keypoints', '```python', '    total = total + n']) {
    t.equal(markdown.split('\n').filter((l) => l === line).length, main.split('\n').filter((l) => l === line).length, line)
  }
})

t.test('the pipeline reads the Markdown as a lesson: key points under their own heading, exercises marked, glossary links as terms', async (t) => {
  const { text } = await extractText(utf8(LESSON), { filename: 'loops.html' })
  // What the transcription worker stores (`.transcript.md`) and the orchestrator reads back.
  const doc = normaliseDocument({ name: 'loops.md', content: { format: 'markdown', text } })
  const keypoints = doc.sections.find((section) => section.path.at(-1) === 'Key points')
  t.same(keypoints?.path, ['Repeating Actions with Loops', 'Key points'])
  t.match(keypoints?.blocks[0], { kind: 'list', box: 'keypoints' })
  const blocks = doc.sections.flatMap((section) => section.blocks)
  t.match(
    blocks.find((block) => block.kind === 'code' && block.text.startsWith('total')),
    { box: 'exercise', lang: 'python' },
    'the solution is an exercise block',
  )
  const paragraph = blocks.find((block) => block.kind === 'paragraph' && block.text.startsWith('A for loop'))
  if (paragraph?.kind !== 'paragraph') return t.fail('the first paragraph is read')
  t.same(
    [...paragraph.terms].sort((a, b) => a.text.localeCompare(b.text)),
    [
      { text: 'collection', mark: 'italic' },
      { text: 'for loop', mark: 'bold' },
      { text: 'loop', mark: 'glossary' },
      { text: 'number', mark: 'code' },
    ],
    'every marked term, the link to the reference page as a glossary term',
  )
  t.equal(paragraph.box, undefined, 'body text is in no box')
  t.ok(paragraph.text.includes('`number`'), 'inline code keeps its backticks')
})

t.test('a definition list reads as a glossary, <dfn> marks its term, and an <aside> classed as a box survives Readability', async (t) => {
  const { text } = await extractText(
    utf8(
      page(`<main><h1>The Box Model</h1>
<p>Every element is drawn as a box. The <dfn>box model</dfn> describes how its size is worked out from four layers, and it matters for every layout you build.</p>
<dl><dt>Padding</dt><dd>Transparent space between the content and the border.</dd><dt>Margin</dt><dd>Space outside the border.</dd></dl>
<p>Browsers apply the model to every element on the page, whatever its tag, and developers rely on it for spacing.</p>
<aside class="keypoints"><h3>Key points</h3><ul><li>Vertical margins between block elements collapse.</li></ul></aside>
<aside class="sidebar"><p>Related reading and adverts.</p></aside>
</main>`),
    ),
    { filename: 'box.html' },
  )
  t.match(text, /\*\*Padding\*\*: Transparent space between the content and the border\.\n\n\*\*Margin\*\*: Space outside the border\./)
  t.match(text, /The \*box model\* describes/)
  t.match(text, /::::: keypoints\n\n### Key points\n\n- Vertical margins between block elements collapse\.\n\n:::::/)
  t.notMatch(text, /adverts/, 'an aside that is no box stays page furniture')
})

t.test('a superscript is a power: 2<sup>h</sup> reads 2^h, not 2h', async (t) => {
  const { markdown } = await htmlToMarkdown('<p>A subnet with <i>h</i> host bits has 2<sup><i>h</i></sup> addresses, and a square metre is 1 m<sup>2</sup>.</p>')
  t.match(markdown, /has 2\^h addresses/)
  t.match(markdown, /1 m\^2\./)
})

t.test('code blocks: language from the usual classes, text verbatim, fence longer than any run of backticks', async (t) => {
  const convert = async (html: string) => (await htmlToMarkdown(html)).markdown
  t.equal(await convert('<pre class="sourceCode bash"><code class="sourceCode bash">ls -F\n</code></pre>'), '```bash\nls -F\n```', "Pandoc's sourceCode class")
  t.equal(
    await convert('<div class="language-sql highlighter-rouge"><div class="highlight"><pre class="highlight"><code>SELECT *\n  FROM t;</code></pre></div></div>'),
    '```sql\nSELECT *\n  FROM t;\n```',
    "Jekyll's wrapper class",
  )
  t.equal(
    await convert('<pre>\n\tindented with a tab\n  *not* emphasis_here\n</pre>'),
    '```\n\tindented with a tab\n  *not* emphasis_here\n```',
    'the newline after <pre> dropped, nothing escaped',
  )
  t.equal(await convert('<pre><code>echo ```\n````</code></pre>'), '`````\necho ```\n````\n`````')
  t.equal(
    await convert('<pre><code><span class="kw">def</span> <span class="nf">f</span>():\n    <a href="#l2"></a>pass</code></pre>'),
    '```\ndef f():\n    pass\n```',
    'highlighting markup is only text',
  )
})

t.test('headings, emphasis and text that looks like Markdown', async (t) => {
  const { markdown } = await htmlToMarkdown(
    '<h3>Lists\n and  <em>loops</em></h3><p>2. is not a list; *stars* and _under_scores stay text. <b>Bold</b>, <i>italic</i>, <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p><hr><p>After the rule.</p>',
  )
  t.equal(markdown, '### Lists and *loops*\n\n2\\. is not a list; \\*stars\\* and \\_under\\_scores stay text. **Bold**, *italic*, Ctrl+C.\n\n***\n\nAfter the rule.')
})

t.test('a Word document: code styles become code blocks, bold and italic stay', async (t) => {
  const bytes = await makeWordDocument(
    [
      wordParagraph('Functions', 'Heading1'),
      wordParagraph(
        `${wordRun('A ')}${wordRun('function', { bold: true })}${wordRun(' is defined with ')}${wordRun('def', { style: 'VerbatimChar' })}${wordRun('; its ')}${wordRun('parameters', { italic: true })}${wordRun(' go in brackets.')}`,
      ),
      wordParagraph('def area(width, height):', 'SourceCode'),
      wordParagraph('    if width < 0:', 'SourceCode'),
      wordParagraph('        raise ValueError(width)', 'SourceCode'),
      wordParagraph('    return width * height', 'SourceCode'),
      wordParagraph('Call it as area(2, 3).'),
      wordParagraph('x = 1', 'Code'),
    ],
    {
      Heading1: { name: 'heading 1', type: 'paragraph' },
      SourceCode: { name: 'Source Code', type: 'paragraph' },
      Code: { name: 'Code', type: 'paragraph' },
      VerbatimChar: { name: 'Verbatim Char', type: 'character' },
    },
  )
  const doc = await extractText(bytes, { filename: 'functions.docx' })
  t.equal(doc.format, 'docx')
  t.equal(doc.title, 'Functions', 'the first heading 1')
  t.equal(
    doc.text,
    [
      '# Functions',
      'A **function** is defined with `def`; its *parameters* go in brackets.',
      '```\ndef area(width, height):\n    if width < 0:\n        raise ValueError(width)\n    return width * height\n```',
      'Call it as area(2, 3).',
      '```\nx = 1\n```',
    ].join('\n\n'),
  )
})

t.test('a Word document: paragraphs in list styles without Word numbering become lists, nested by level', async (t) => {
  const style = (name: string) => ({ name, type: 'paragraph' as const })
  const bytes = await makeWordDocument(
    [
      wordParagraph('Soil', 'Heading1'),
      wordParagraph('A soil sample holds three parts:'),
      wordParagraph('mineral grains', 'ListBullet'),
      wordParagraph('sand, the coarsest', 'ListBullet2'),
      wordParagraph('clay, the finest', 'ListBullet2'),
      wordParagraph('organic matter', 'ListBullet'),
      wordParagraph('pore space', 'ListBullet'),
      wordParagraph('To measure its texture:'),
      wordParagraph('Dry the sample.', 'ListNumber'),
      wordParagraph('Sieve out the gravel.', 'ListNumber'),
      wordParagraph('Shake the rest in water.', 'ListNumber'),
      wordParagraph('Indented, as Word shows an unnumbered list paragraph.', 'ListParagraph'),
      wordParagraph('From LibreOffice:'),
      wordParagraph('a bulleted item', 'List1'),
      wordParagraph('a numbered item', 'Numbering1'),
      wordParagraph('Continued text under the item.', 'ListContinue'),
    ],
    {
      Heading1: style('heading 1'),
      ListBullet: style('List Bullet'),
      ListBullet2: style('List Bullet 2'),
      ListNumber: style('List Number'),
      ListParagraph: style('List Paragraph'),
      List1: style('List 1'),
      Numbering1: style('Numbering 1'),
      ListContinue: style('List Continue'),
    },
  )
  const doc = await extractText(bytes, { filename: 'soil.docx' })
  t.equal(
    doc.text,
    [
      '# Soil',
      'A soil sample holds three parts:',
      '- mineral grains\n  - sand, the coarsest\n  - clay, the finest\n- organic matter\n- pore space',
      'To measure its texture:',
      '1. Dry the sample.\n2. Sieve out the gravel.\n3. Shake the rest in water.',
      '- Indented, as Word shows an unnumbered list paragraph.',
      'From LibreOffice:',
      '- a bulleted item',
      '1. a numbered item',
      'Continued text under the item.',
    ].join('\n\n'),
  )
  const blocks = normaliseDocument({ name: 'soil.docx', content: doc }).sections.flatMap((section) => section.blocks)
  t.match(
    blocks.filter((block) => block.kind === 'list'),
    [
      { items: ['mineral grains', 'sand, the coarsest', 'clay, the finest', 'organic matter', 'pore space'] },
      { ordered: true, items: ['Dry the sample.', 'Sieve out the gravel.', 'Shake the rest in water.'] },
    ],
    'the pipeline reads them as lists, the numbered one in order',
  )
})

t.test('a Word document: real Word numbering still decides its lists, whatever the paragraph style', async (t) => {
  const bytes = await makeWordDocument(
    [
      wordParagraph('Boil the water.', 'ListParagraph', { id: 1, level: 0 }),
      wordParagraph('at sea level, 100 °C', 'ListParagraph', { id: 1, level: 1 }),
      wordParagraph('Add the pasta.', 'ListParagraph', { id: 1, level: 0 }),
      wordParagraph('Stir now and then.', 'ListBullet', { id: 1, level: 0 }),
    ],
    { ListParagraph: { name: 'List Paragraph', type: 'paragraph' }, ListBullet: { name: 'List Bullet', type: 'paragraph' } },
    { 1: ['decimal', 'bullet'] },
  )
  t.equal((await extractText(bytes, { filename: 'pasta.docx' })).text, '1. Boil the water.\n   - at sea level, 100 °C\n2. Add the pasta.\n3. Stir now and then.')
})

t.test('a Word table is a GFM pipe table the pipeline reads as a table, with or without a marked header row', async (t) => {
  for (const header of [false, true]) {
    const bytes = await makeWordDocument([
      wordParagraph('Planets'),
      wordTable(
        [
          ['Planet', 'Moons'],
          ['Mars', '2'],
          [wordParagraph(`${wordRun('Jupiter', { bold: true })}`), '95 | more'],
        ],
        { header },
      ),
      wordParagraph('Moons are counted as of 2023.'),
    ])
    const doc = await extractText(bytes, { filename: 'planets.docx' })
    t.equal(doc.text, 'Planets\n\n| Planet | Moons |\n| --- | --- |\n| Mars | 2 |\n| **Jupiter** | 95 \\| more |\n\nMoons are counted as of 2023.', `header row marked: ${header}`)
    const blocks = normaliseDocument({ name: 'planets.docx', content: doc }).sections.flatMap((section) => section.blocks)
    t.same(
      blocks.map((block) => block.kind),
      ['paragraph', 'table', 'paragraph'],
    )
    t.match(
      blocks.find((block) => block.kind === 'table'),
      {
        header: ['Planet', 'Moons'],
        rows: [
          ['Mars', '2'],
          ['Jupiter', '95 | more'],
        ],
      },
    )
  }
})

async function refusal(html: string, filename: string): Promise<ExtractionError> {
  try {
    await extractText(utf8(html), { filename })
  } catch (err) {
    if (err instanceof ExtractionError) return err
    throw err
  }
  throw new Error(`${filename} was converted`)
}

const nested = (depth: number, tag = 'div') => page(`${`<${tag}>`.repeat(depth)}Deep text.${`</${tag}>`.repeat(depth)}`)

t.test('HTML nested deeper than the limit is refused before any conversion, naming the file and the limit', async (t) => {
  // 100,000 levels: the measuring pass stops at the limit (parsing that deep is quadratic).
  for (const depth of [1_000, 2_000, 100_000]) {
    const err = await refusal(nested(depth), `deep-${depth}.html`)
    t.equal(err.reason, 'limit')
    t.equal(err.message, `deep-${depth}.html: HTML nests elements deeper than the limit of 512 levels`)
  }
  // At the limit (html and body are two levels): converted, where turndown's recursion would
  // have overflowed the stack near 1,500 levels.
  t.equal((await htmlToMarkdown(nested(HTML_LIMITS.maxDepth - 2))).markdown, 'Deep text.')
  t.equal((await htmlToMarkdown(nested(HTML_LIMITS.maxDepth - 2, 'blockquote'))).markdown.split('\n').at(-1), `${'> '.repeat(510)}Deep text.`)
})

t.test('too many nodes, or much text under deep nesting, is refused', async (t) => {
  const many = await refusal(page('<p>a</p>'.repeat(130_000)), 'many.html')
  t.equal(many.reason, 'limit')
  t.equal(many.message, 'many.html: HTML holds more nodes (elements, text runs, comments) than the limit of 250,000')
  const text = '<p>Sentences of a long lesson, many of them.</p>'.repeat(10_000)
  const deep = await refusal(page(`${'<div>'.repeat(200)}${text}${'</div>'.repeat(200)}`), 'wrapped.html')
  t.equal(deep.reason, 'limit')
  t.equal(deep.message, 'wrapped.html: HTML has more text under deep nesting than the limit of 64,000,000 characters × levels')
  t.equal((await extractText(utf8(page(text)), { filename: 'flat.html' })).text.split('\n\n').length, 10_000, 'the same text, not nested, is converted')
})

t.test('large or deep pages skip Readability and are converted whole', async (t) => {
  const furniture = (body: string) => page(`<nav>Site menu</nav><article>${body}</article><footer>Site footer</footer>`)
  const siblings = await extractText(utf8(furniture(Array.from({ length: 10_000 }, (_, i) => `<p>Paragraph ${i} of the lesson.</p>`).join(''))), { filename: 'siblings.html' })
  t.match(siblings.text, /Site footer$/, '10,000 sibling <p>: Readability skipped (it would drop the footer)')
  t.equal(siblings.text.split('\n\n').length, 10_001, 'every paragraph and the footer')
  const deep = await extractText(utf8(furniture(`${'<div>'.repeat(HTML_LIMITS.readabilityMaxDepth)}<p>Deep lesson text.</p>${'</div>'.repeat(HTML_LIMITS.readabilityMaxDepth)}`)), {
    filename: 'deep.html',
  })
  t.equal(deep.text, 'Deep lesson text.\n\nSite footer', 'deeper than readabilityMaxDepth: Readability skipped')
  const small = await extractText(utf8(furniture('<p>A short lesson, found by Readability as the main content of this page.</p>')), { filename: 'small.html' })
  t.equal(small.text, 'A short lesson, found by Readability as the main content of this page.', 'a small page goes through Readability')
})

// Inputs that made turndown's own regular expressions or per-item counting quadratic: each ran
// for seconds to minutes before; a regression shows as this test timing out.
t.test('long runs of whitespace and long lists convert in linear time', async (t) => {
  const spaces = ' '.repeat(200_000)
  t.equal((await htmlToMarkdown(`<pre>a${spaces}b</pre>`)).markdown, `\`\`\`\na${spaces}b\n\`\`\``, 'a code block keeps a 200,000-space run')
  t.equal((await htmlToMarkdown(`<p><em>a${' \u00a0'.repeat(100_000)}b</em></p>`)).markdown, '*a b*', 'no-break spaces in text collapse')
  const items = (await htmlToMarkdown(`<ol>${'<li>step</li>'.repeat(20_000)}</ol>`)).markdown.split('\n')
  t.equal(items.length, 20_000)
  t.equal(items.at(-1), '20000. step')
})
