#!/usr/bin/env node
import { runCli } from './cli/run.js'

// No top-level await: the entry is also built as CommonJS.
void runCli(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code
})
