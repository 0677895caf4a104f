/**
What a generated benchmark database holds, and the deterministic pieces both loaders share:
account names, serial numbers, display zones, and the glucose random walk.
@module
*/
import { readFileSync, writeFileSync } from 'node:fs'

/** Minutes between two readings of one account, as a CGM sends them. */
export const CADENCE_MS = 5 * 60_000

/** The two sizes the benchmark compares. */
export const SIZES = {
  /** 10,000 accounts × 1,000 readings = 10 million readings. */
  full: { accounts: 10_000, readingsPerAccount: 1_000 },
  /** 10 accounts × 1,000 readings = 10,000 readings: same per-account shape, tiny tables. */
  small: { accounts: 10, readingsPerAccount: 1_000 },
} as const

/** A size name of {@link SIZES}. */
export type SizeName = keyof typeof SIZES

/** One generated account, as the load generator needs it. */
export interface DatasetAccount {
  readonly sessionId: string
  readonly serialNumber: string
}

/** Written next to (SQLite) or for (PostgreSQL) each generated database. */
export interface DatasetInfo {
  readonly store: 'sqlite' | 'postgres'
  readonly size: SizeName
  /** The database file or `postgres://` URL. */
  readonly location: string
  /** The dataset's "now": the newest reading of every account is at this time. */
  readonly now: number
  readonly readingsPerAccount: number
  readonly accounts: readonly DatasetAccount[]
  readonly generatedAt: string
  readonly loadSeconds: number
}

/** Writes the dataset description as JSON. */
export function writeDatasetInfo(path: string, info: DatasetInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 1))
}

/** Reads a dataset description written by {@link writeDatasetInfo}. */
export function readDatasetInfo(path: string): DatasetInfo {
  return JSON.parse(readFileSync(path, 'utf8')) as DatasetInfo
}

/** Deterministic per-account identity; the login password is shared (see generate.ts). */
export function accountIdentity(index: number): { username: string; serialNumber: string } {
  const n = String(index + 1).padStart(5, '0')
  return { username: `bench${n}`, serialNumber: `SMB${n}` }
}

// Display zones of the accounts, minutes east of UTC: mostly the Americas and Europe.
const ZONES = [-300, -360, -420, -480, -240, 0, 60, 120, 330, 600] as const

/** The display zone of account `index`, minutes east of UTC. */
export function zoneOf(index: number): number {
  return ZONES[index % ZONES.length] ?? 0
}

/** mulberry32: a small seeded PRNG, so that every generation makes the same readings. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One step of a walk: mg/dL and the Share trend integer. */
export interface WalkStep {
  readonly value: number
  readonly trend: number
}

/**
A plausible CGM trace: the rate of change (mg/dL per minute) is an AR(1) process, so it drifts
smoothly, and the value is bounded to the sensor's 40-400 range. The trend is the arrow Dexcom
shows for that rate, so values and trends agree.
*/
export class GlucoseWalk {
  #value: number
  #rate = 0
  readonly #random: () => number

  constructor(seed: number) {
    this.#random = seededRandom(seed)
    this.#value = 90 + this.#random() * 90
  }

  /** The reading five minutes after the previous one. */
  next(): WalkStep {
    const noise = this.#random() + this.#random() + this.#random() - 1.5
    // Pulls back towards ~130 mg/dL, as treatment and meals do on average.
    const pull = (130 - this.#value) * 0.002
    this.#rate = Math.max(-4, Math.min(4, this.#rate * 0.85 + noise + pull))
    this.#value += this.#rate * 5
    if (this.#value < 40) {
      this.#value = 40
      this.#rate = Math.abs(this.#rate)
    } else if (this.#value > 400) {
      this.#value = 400
      this.#rate = -Math.abs(this.#rate)
    }
    return { value: Math.round(this.#value), trend: trendOf(this.#rate) }
  }
}

/** Dexcom's arrow for a rate of change in mg/dL per minute (1 = DoubleUp … 7 = DoubleDown). */
export function trendOf(rate: number): number {
  if (rate > 3) return 1
  if (rate > 2) return 2
  if (rate > 1) return 3
  if (rate >= -1) return 4
  if (rate >= -2) return 5
  if (rate >= -3) return 6
  return 7
}
