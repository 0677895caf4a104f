/** The server's source of time, injectable so that tests can move it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() }
