/**
Uploads readings to a Nightscout site once each: a cursor in the archive file, per site and
source, holds the time of the last reading the site acknowledged, and only newer readings go.
@module
*/
import type { ArchiveStore, ArchivedReading } from '../archive/archive-store.js'
import { toNightscoutEntry } from './nightscout-entry.js'
import type { NightscoutSite } from './nightscout-site.js'
import { postEntries, type PostOptions } from './post-entries.js'

/** Where and how readings go. */
export interface PushTarget {
  readonly site: NightscoutSite
  /** SHA-1 hex of the API secret. */
  readonly secretHash: string
  /** The entries' `device`. */
  readonly device: string
  /** Readings per request. */
  readonly batchSize: number
  readonly post?: PostOptions
}

/** What a push did. */
export interface PushResult {
  readonly pushed: number
  readonly batches: number
  /** Time of the newest reading the site holds from us, if any. */
  readonly cursor: number | undefined
}

/** The cursor's name in the archive: one per site and source. */
export function pushCursorName(site: NightscoutSite, source: string): string {
  return `nightscout:${site.key}:${source}`
}

/** Pushes the archived readings of `source` that are newer than its cursor, oldest first. */
export function pushArchived(
  store: ArchiveStore,
  source: string,
  target: PushTarget,
): Promise<PushResult> {
  return pushBatches(store, source, target, (cursor) => [
    ...store.range({
      source,
      order: 'asc',
      limit: target.batchSize,
      ...(cursor !== undefined ? { from: cursor + 1 } : {}),
    }),
  ])
}

/** Pushes those of `readings` (one source, any order) that are newer than its cursor. */
export function pushReadings(
  store: ArchiveStore,
  source: string,
  readings: readonly ArchivedReading[],
  target: PushTarget,
): Promise<PushResult> {
  const sorted = [...readings].sort((a, b) => a.systemTime - b.systemTime)
  return pushBatches(store, source, target, (cursor) =>
    sorted.filter((r) => cursor === undefined || r.systemTime > cursor).slice(0, target.batchSize),
  )
}

async function pushBatches(
  store: ArchiveStore,
  source: string,
  target: PushTarget,
  nextBatch: (cursor: number | undefined) => ArchivedReading[],
): Promise<PushResult> {
  const name = pushCursorName(target.site, source)
  let cursor = store.getCursor(name)
  let pushed = 0
  let batches = 0
  for (;;) {
    const batch = nextBatch(cursor)
    if (batch.length === 0) break
    const entries = batch.map((reading) => toNightscoutEntry(reading, target.device))
    await postEntries(target.site, target.secretHash, entries, target.post)
    cursor = batch[batch.length - 1]!.systemTime
    // Saved after each acknowledged batch, so a failure later resends nothing already taken.
    store.setCursor(name, cursor)
    pushed += batch.length
    batches += 1
    if (batch.length < target.batchSize) break
  }
  return { pushed, batches, cursor }
}
