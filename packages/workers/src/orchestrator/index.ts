export { startOrchestratorWorker, type OrchestratorWorkerOptions } from './worker.js'
export { orchestratorProcessor, type OrchestratorProcessorOptions, type OrchestratorResult, type CourseResult, type ResultHook } from './processor.js'
