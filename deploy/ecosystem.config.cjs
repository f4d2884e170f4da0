// PM2 process file for the workers, built entry points (run `npm run build` or
// `npx -y pnpm@10.34.9 -r build` first). From the repository root:
//   pm2 start deploy/ecosystem.config.cjs
//   pm2 status · pm2 logs orchestrator-worker · pm2 stop all · pm2 restart all
const path = require('node:path')

const root = path.join(__dirname, '..')
const common = {
  cwd: root,
  interpreter: 'node',
  merge_logs: true,
  max_restarts: 10,
  restart_delay: 4000,
  // SIGTERM → in-flight jobs finish; PM2 waits this long before SIGKILL.
  kill_timeout: 60000,
}

module.exports = {
  apps: [
    {
      ...common,
      name: 'orchestrator-worker',
      script: 'packages/workers/dist/orchestrator.js',
      instances: 2,
      exec_mode: 'cluster',
      env: {
        NODE_ENV: 'production',
        REDIS_URL: process.env.REDIS_URL || 'redis://localhost:6379',
        WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY || 2,
      },
      error_file: path.join(root, 'logs/orchestrator-error.log'),
      out_file: path.join(root, 'logs/orchestrator-out.log'),
    },
    {
      ...common,
      name: 'transcription-worker',
      script: 'packages/workers/dist/transcription.js',
      instances: 1,
      env: {
        NODE_ENV: 'production',
        REDIS_URL: process.env.REDIS_URL || 'redis://localhost:6379',
        WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY || 2,
        ENQUEUE_MODULE_JOB_ON_COMPLETE: 'true',
      },
      error_file: path.join(root, 'logs/transcription-error.log'),
      out_file: path.join(root, 'logs/transcription-out.log'),
    },
  ],
}
