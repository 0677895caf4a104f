import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import type { DatasetAccount } from './dataset.js'

/** One request of a load: path with query string, and JSON body. */
export interface LoadRequest {
  readonly path: string
  readonly body: string
}

/**
What a load sends. `fixed`: each connection cycles through its own list of prebuilt requests
(autocannon encodes them once). `dynamic`: every request is made when sent (uploads need new
readings each time), which costs the load generator more.
*/
export type LoadPlan =
  | { readonly kind: 'fixed'; readonly connectionRequests: () => LoadRequest[] }
  | { readonly kind: 'dynamic'; readonly next: () => LoadRequest }

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
    const first = this.#used[index]!
    this.#used[index] = first + count
    return Array.from({ length: count }, (_, i) => this.#base + (first + i) * UPLOAD_SPACING_MS)
  }
}

/**
PostReceiverEgvRecords of `count` new readings, as xDrip+ sends them (`/Date(ms)/`, DT = ST,
integer trend), cycling through the accounts so that no two requests in flight share one.
*/
export function uploadRequests(
  accounts: readonly DatasetAccount[],
  count: number,
  timeline: UploadTimeline,
): LoadPlan {
  const paths = accounts.map((a) => `${UPLOAD_PATH}?sessionId=${a.sessionId}`)
  let next = 0
  const make = (): LoadRequest => {
    const index = next
    next = (next + 1) % accounts.length
    const egvs = timeline.take(index, count).map((t) => {
      const date = `/Date(${t})/`
      return `{"Trend":4,"ST":"${date}","DT":"${date}","Value":${100 + (Math.floor(t / 100) % 80)}}`
    })
    return {
      path: paths[index]!,
      body: `{"Egvs":[${egvs.join(',')}],"SN":"${accounts[index]!.serialNumber}","TA":-5}`,
    }
  }
  return { kind: 'dynamic', next: make }
}
