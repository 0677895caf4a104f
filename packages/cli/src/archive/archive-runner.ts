import type { AccountFollower } from './account-follower.js'
import type { ArchiveScheduler } from './archive-scheduler.js'

/**
Runs followers until stopped: sleeps until the earliest follower is due, polls it, repeats.
One loop polls the accounts in turn, so a run is deterministic under a test clock; a slow server
delays the other accounts by at most the client's timeout.
*/
export class ArchiveRunner {
  readonly #followers: readonly AccountFollower[]
  readonly #scheduler: ArchiveScheduler

  constructor(followers: readonly AccountFollower[], scheduler: ArchiveScheduler) {
    this.#followers = followers
    this.#scheduler = scheduler
  }

  /**
  Polls until `signal` aborts (resolves `'aborted'`) or every follower has stopped because its
  login was refused (resolves `'stopped'`).
  */
  async run(signal: AbortSignal): Promise<'aborted' | 'stopped'> {
    while (!signal.aborted) {
      const next = this.#nextDue()
      if (next === undefined) return 'stopped'
      const wait = next.at - this.#scheduler.now()
      if (wait > 0) {
        // Woken early only by the signal; a due time cannot move while nothing polls.
        await this.#scheduler.sleep(wait, signal)
        continue
      }
      try {
        await next.follower.poll(signal)
      } catch (error) {
        if (signal.aborted) break
        throw error
      }
    }
    return 'aborted'
  }

  #nextDue(): { follower: AccountFollower; at: number } | undefined {
    let best: { follower: AccountFollower; at: number } | undefined
    for (const follower of this.#followers) {
      const at = follower.status.nextPollAt
      if (at !== undefined && (best === undefined || at < best.at)) best = { follower, at }
    }
    return best
  }
}
