#!/usr/bin/env node
// Plain entry for PM2 and systemd: `node dist/orchestrator.js [--config file]`.
import { runCli } from '../cli/run.js'

void runCli(['orchestrator', ...process.argv.slice(2)]).then((code) => {
  if (code !== undefined) process.exitCode = code
})
