/** Time as the archive sees it: tests replace it with a clock they move, so nothing really sleeps. */
export interface ArchiveScheduler {
  /** Epoch ms. */
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

// setTimeout fires at once for delays above 2^31-1 ms; archive waits are far shorter anyway.
const MAX_TIMER_MS = 2 ** 31 - 1

/** The real clock and timers. */
export const systemScheduler: ArchiveScheduler = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS))
      signal?.addEventListener('abort', done, { once: true })
    }),
}
