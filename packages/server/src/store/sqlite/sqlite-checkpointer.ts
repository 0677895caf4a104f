import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// The worker's own source: a second connection to the same file, checkpointing the WAL on a
// timer. Evaluated as a script, so it runs the same from the TypeScript sources and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or failing: the next tick tries again, and the writer's automatic checkpoint remains.
  }
}, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/**
Checkpoints a WAL-mode SQLite file on a worker thread, so that a commit rarely has to copy the
WAL back into the database itself, with the two fsyncs that go with it (perf-ceiling.md §5:
SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages).
PASSIVE checkpoints never wait for readers or writers. The writer keeps its automatic
checkpoint (SqliteStore raises it to 4,000 pages): only a checkpoint in the writing connection,
between its commits, lets the WAL start over from its beginning, so under sustained writes the
automatic one still runs, over the few pages the worker has not copied yet. Its fsyncs are what
a commit waited for: under a load of uploads the writer slept in them, in the kernel's writeback
wait, for a tenth of its time (BENCHMARKS.md).
*/
export class SqliteCheckpointer {
  readonly #worker: Worker
  readonly #exited: Promise<void>

  constructor(path: string, intervalMs: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path, intervalMs },
    })
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()))
    // A failure is the worker's alone: the writer's automatic checkpoint still bounds the WAL.
    this.#worker.on('error', () => undefined)
    this.#worker.unref()
  }

  /** Stops the timer and closes the worker's connection. */
  async close(): Promise<void> {
    this.#worker.postMessage('close')
    await this.#exited
  }
}
