// providers/ and pipeline/ import these from here; the classes live in ../errors.ts with every other error of the workers.
export { RateLimitedError, UnrecoverableError } from '../errors.js'
