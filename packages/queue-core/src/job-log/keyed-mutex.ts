/**
 * Runs async sections one at a time per key (a job id), in call order, without blocking other keys.
 * Writes of one job's log go through it, so the last write called is the one that stays.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const done = new Promise<void>((resolve) => {
      release = resolve
    })
    const tail = previous.then(() => done)
    this.tails.set(key, tail)
    await previous
    try {
      return await section()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }

  /** Keys with a section running or waiting (0 when idle: nothing is retained per job). */
  get size(): number {
    return this.tails.size
  }
}
