import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import type { DatasetAccount } from './dataset.js'

/** One request of a load: path with query string, and JSON body. */
export interface LoadRequest {
  readonly path: string
  readonly body: string
}

/**
What a load sends. `fixed`: each connection cycles through its own list of prebuilt requests
(the load generator encodes them once). `upload`: every request carries new readings, made when
sent (by {@link Uploads.next}, or by the wrk script from {@link Uploads.schedule}).
*/
export type LoadPlan =
  | { readonly kind: 'fixed'; readonly connectionRequests: () => LoadRequest[] }
  | { readonly kind: 'upload'; readonly uploads: Uploads }

// Prebuilt requests per connection: 50 connections × 500 reach nearly every one of 10,000 accounts.
const REQUESTS_PER_CONNECTION = 500

const READ_PATH = `${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherLatestGlucoseValues`
const UPLOAD_PATH = `${DEXCOM_SERVICES_PATH}/Publisher/PostReceiverEgvRecords`

/** The ceiling's requests: the read path with a fixed query, body `{}`. */
export function fixedRequests(): LoadPlan {
  const request = {
    path: `${READ_PATH}?sessionId=00000000-0000-0000-0000-000000000001&minutes=1440&maxCount=1`,
    body: '{}',
  }
  return { kind: 'fixed', connectionRequests: () => [request] }
}

/**
ReadPublisherLatestGlucoseValues of the last 24 hours, at most `maxCount`, each connection
cycling through its own random sample of the accounts.
*/
export function readRequests(accounts: readonly DatasetAccount[], maxCount: number): LoadPlan {
  const requests = accounts.map((a) => ({
    path: `${READ_PATH}?sessionId=${a.sessionId}&minutes=1440&maxCount=${maxCount}`,
    body: '{}',
  }))
  return {
    kind: 'fixed',
    connectionRequests: () =>
      Array.from(
        { length: REQUESTS_PER_CONNECTION },
        () => requests[Math.floor(Math.random() * requests.length)]!,
      ),
  }
}

// Uploaded readings are this far apart, so that a run's uploads stay within the server's
// ten-minute future tolerance (an account receives at most a few thousand in one run).
const UPLOAD_SPACING_MS = 100

/**
Where each account's next uploaded reading goes: after the dataset's newest reading, one slot
per reading, so that every uploaded reading is new (never a duplicate) and the account's newest.
Shared by all upload loads against one database.
*/
export class UploadTimeline {
  readonly #base: number
  readonly #used: Uint32Array

  constructor(datasetNow: number, accounts: number) {
    this.#base = datasetNow + 1000
    this.#used = new Uint32Array(accounts)
  }

  /** System times for `count` new readings of account `index`. */
  take(index: number, count: number): number[] {
    const first = this.peek(index)
    this.skip(index, count)
    return Array.from({ length: count }, (_, i) => first + i * UPLOAD_SPACING_MS)
  }

  /** Marks `count` readings of account `index` as used, by a generator that made them itself. */
  skip(index: number, count: number): void {
    this.#used[index]! += count
  }

  /** The system time of account `index`'s next reading. */
  peek(index: number): number {
    return this.#base + this.#used[index]! * UPLOAD_SPACING_MS
  }
}

/** One account's next uploads, for a load generator that makes the bodies itself. */
export interface ScheduledAccount {
  readonly path: string
  readonly serialNumber: string
  /** System time of the account's next new reading. */
  readonly firstTime: number
}

/** Uploads in the order they are sent from now on, and how their readings are spaced. */
export interface UploadSchedule {
  readonly accounts: readonly ScheduledAccount[]
  /** Readings per upload. */
  readonly count: number
  readonly spacingMs: number
}

/**
PostReceiverEgvRecords of `count` new readings, as xDrip+ sends them (`/Date(ms)/`, DT = ST,
integer trend), cycling through the accounts so that no two requests in flight share one.
*/
export class Uploads {
  readonly #accounts: readonly DatasetAccount[]
  readonly #paths: readonly string[]
  readonly #timeline: UploadTimeline
  readonly count: number
  #next = 0

  constructor(accounts: readonly DatasetAccount[], count: number, timeline: UploadTimeline) {
    this.#accounts = accounts
    this.#paths = accounts.map((a) => `${UPLOAD_PATH}?sessionId=${a.sessionId}`)
    this.count = count
    this.#timeline = timeline
  }

  /** The next upload's request. */
  next(): LoadRequest {
    const index = this.#next
    this.#next = (index + 1) % this.#accounts.length
    const egvs = this.#timeline.take(index, this.count).map((t) => {
      const date = `/Date(${t})/`
      return `{"Trend":4,"ST":"${date}","DT":"${date}","Value":${uploadedValue(t)}}`
    })
    return {
      path: this.#paths[index]!,
      body: `{"Egvs":[${egvs.join(',')}],"SN":"${this.#accounts[index]!.serialNumber}","TA":-5}`,
    }
  }

  /** What {@link next} would send, for a generator that makes the same bodies itself. */
  schedule(): UploadSchedule {
    const n = this.#accounts.length
    const accounts = Array.from({ length: n }, (_, k) => {
      const index = (this.#next + k) % n
      return {
        path: this.#paths[index]!,
        serialNumber: this.#accounts[index]!.serialNumber,
        firstTime: this.#timeline.peek(index),
      }
    })
    return { accounts, count: this.count, spacingMs: UPLOAD_SPACING_MS }
  }

  /** Records that a generator sent `made` uploads of {@link schedule}. */
  advance(made: number): void {
    for (let k = 0; k < made; k++)
      this.#timeline.skip((this.#next + k) % this.#accounts.length, this.count)
    this.#next = (this.#next + made) % this.#accounts.length
  }
}

/** A reading's value, varied by time so that uploads are not all alike. */
export function uploadedValue(time: number): number {
  return 100 + (Math.floor(time / 100) % 80)
}
