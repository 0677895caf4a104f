import { writeSync } from 'node:fs'

/** A pino destination that also writes out what it holds on demand. */
export interface TurnLogDestination {
  write(line: string): void
  /** Writes every line held now, synchronously. */
  flushSync(): void
}

// How long to wait before writing again to a pipe that is full (EAGAIN), as pino's own
// synchronous destination does; the loop is blocked meanwhile, as it is in that destination.
// A reader that takes no line for ten seconds is taken as gone.
const FULL_PIPE_WAIT_MS = 1
const FULL_PIPE_WAITS = 10_000
const sleeper = new Int32Array(new SharedArrayBuffer(4))

/**
Log lines written together at the end of the event-loop turn that made them: one `write` system
call for a turn's requests instead of one per line. pino's synchronous destination made a system
call and measured the line twice for every request, about 5 µs of a 60 µs read; its asynchronous
one hands each write to libuv's thread pool, which costs more (BENCHMARKS.md). A line waits at
most for the rest of its turn; lines still held when the process exits are written by the `exit`
hook, so only a signal that ends the process without an exit loses them (SIGKILL, or one the
process does not handle: `glucoshare serve` handles SIGINT and SIGTERM): one turn's worth.
A destination that fails for another reason than a full pipe (its reader went away) drops the
lines: the server goes on without its log.
*/
export function turnLogDestination(fd: number): TurnLogDestination {
  let held: string[] = []
  const flushSync = (): void => {
    if (held.length === 0) return
    const bytes = Buffer.from(held.join(''))
    held = []
    writeAll(fd, bytes)
  }
  process.once('exit', flushSync)
  return {
    write(line) {
      if (held.length === 0) setImmediate(flushSync)
      held.push(line)
    },
    flushSync,
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0
  let waits = 0
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset)
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN' || ++waits > FULL_PIPE_WAITS) return
      Atomics.wait(sleeper, 0, 0, FULL_PIPE_WAIT_MS)
    }
  }
}

let stdout: TurnLogDestination | undefined

/** The process's one destination for standard output, shared by every server it runs. */
export function stdoutLogDestination(): TurnLogDestination {
  stdout ??= turnLogDestination(1)
  return stdout
}
