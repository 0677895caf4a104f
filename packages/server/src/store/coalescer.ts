import DataLoader from 'dataloader'

/**
Gathers the calls made while the event loop handles one batch of ready sockets and answers them
with one database call: requests that arrive together share a statement (and, for writes, a
commit) instead of each paying its own round trip. The batch runs in the loop's check phase
(`setImmediate`), after every socket that was readable has been read, so a lone call waits for no
timer and a busy server's calls coalesce. Nothing is cached: every call reaches the database.

`load` answers one value or `Error` per key, in the keys' order (DataLoader's contract); an error
rejects that call only, and a thrown error rejects the whole batch.
*/
export function coalescer<K, V>(
  load: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  maxBatchSize: number,
): DataLoader<K, V> {
  return new DataLoader<K, V>(load, {
    cache: false,
    maxBatchSize,
    batchScheduleFn: (run) => setImmediate(run),
  })
}

/** What a batch answers for a call that failed on its own: an `Error`, as DataLoader requires. */
export function callFailure(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/**
Runs `keys` as one unit of work (`all`: one statement or transaction), and when that fails
because of one of them (bad data, a deadlock), runs each on its own (`one`), so that only the
faulty call fails; nothing of the failed unit was stored. An outage (`isOutage`) fails every call
at once instead of being tried again per call. Calls of `keys` must not depend on one another's
order: `one` runs them concurrently.
*/
export async function allOrEach<K, V>(
  keys: readonly K[],
  all: (keys: readonly K[]) => Promise<readonly V[]> | readonly V[],
  one: (key: K) => Promise<V> | V,
  isOutage: (error: unknown) => boolean,
): Promise<(V | Error)[]> {
  if (keys.length > 1) {
    try {
      return [...(await all(keys))]
    } catch (error) {
      if (isOutage(error)) return keys.map(() => callFailure(error))
    }
  }
  return Promise.all(
    keys.map(async (key) => {
      try {
        return await one(key)
      } catch (error) {
        return callFailure(error)
      }
    }),
  )
}
