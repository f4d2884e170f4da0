import t from 'tap'
import { hideServerPaths } from '../src/server-paths.js'

t.test('absolute paths are cut to their last segment; URLs and ids stay', async (t) => {
  const cases: [string, string][] = [
    ['Module m of course c not found: no folder /srv/app/content/c/m', 'Module m of course c not found: no folder …/m'],
    ["ENOENT: no such file or directory, open '/work/tmp/logs/x.json'", "ENOENT: no such file or directory, open '…/x.json'"],
    ['at file:/home/u/app/dist/index.js:10', 'at file:…/index.js:10'],
    ['(/opt/flashcard-app/packages/workers/dist/cli.js)', '(…/cli.js)'],
    ['see https://example.com/a/b and redis://h:6379/0', 'see https://example.com/a/b and redis://h:6379/0'],
    ['job 3f0c/2 stays, so does a/b/c and /single', 'job 3f0c/2 stays, so does a/b/c and /single'],
  ]
  for (const [input, expected] of cases) t.equal(hideServerPaths(input), expected, input)
  t.equal(hideServerPaths(`/${'a/'.repeat(50_000)}x`), '…/x', 'a 100 KB path')
})
