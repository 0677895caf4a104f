import { CADENCE_MS, GlucoseWalk, seededRandom, zoneOf, type WalkStep } from './dataset.js'

/**
The readings of one generated account, oldest first. Step `s` of `count` is at
`now - phase - (count - 1 - s) × 5 min`, so the newest reading is less than five minutes old at
the dataset's "now"; the phase differs per account, as sensors started at different times.
*/
export class AccountReadings {
  readonly index: number
  readonly offsetMinutes: number
  readonly #newest: number
  readonly #count: number
  readonly #walk: GlucoseWalk

  constructor(index: number, count: number, now: number) {
    this.index = index
    this.offsetMinutes = zoneOf(index)
    this.#count = count
    this.#newest = now - 1 - Math.floor(seededRandom(index * 7919 + 1)() * (CADENCE_MS - 1))
    this.#walk = new GlucoseWalk(index * 104_729 + 17)
  }

  /** System time of step `step` (0 = oldest). */
  timeOf(step: number): number {
    return this.#newest - (this.#count - 1 - step) * CADENCE_MS
  }

  /** The next reading's value and trend, oldest first. */
  next(): WalkStep {
    return this.#walk.next()
  }
}
