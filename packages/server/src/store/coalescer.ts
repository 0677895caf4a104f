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
