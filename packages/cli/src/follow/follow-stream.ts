/**
`glucoshare follow --stream`: prints the follower's live events until stopped, and reconnects
with a growing pause when the stream ends or breaks (a server restart, a network outage).
@module
*/
import {
  isNetworkError,
  isServerError,
  isTimeoutError,
  type ShareFollowerClient,
} from '@glucoshare/sdk'
import { formatAlertEvent, formatReadingEvent } from './format-follower-event.js'

/** What the stream loop prints with. */
export interface FollowStreamOptions {
  readonly client: ShareFollowerClient
  readonly host: string
  readonly json: boolean
  readonly staleMinutes: number
  readonly signal: AbortSignal
  /** Standard output and error; replaceable in tests. */
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  /** Waits before a reconnection; replaceable in tests. */
  readonly pause?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** Pauses before reconnecting, in seconds; the last one repeats. */
const RECONNECT_SECONDS = [1, 2, 5, 10, 30, 60]

/**
Runs until `signal` aborts. Errors that waiting cannot cure (a refused login, a refused
request) are thrown; the caller explains them.
*/
export async function followStream(options: FollowStreamOptions): Promise<void> {
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const err = options.err ?? ((line: string) => void process.stderr.write(`glucoshare: ${line}\n`))
  const names = new Map<string, string>()
  const refreshNames = async () => {
    for (const s of await options.client.listSubscriptions({ signal: options.signal })) {
      names.set(s.subscriptionId, s.displayName)
    }
  }
  let failures = 0
  while (!options.signal.aborted) {
    let reason = 'the server closed the stream'
    try {
      await refreshNames()
      for await (const event of options.client.streamEvents({ signal: options.signal })) {
        if (event.type === 'ready') {
          failures = 0
          err(
            `following ${names.size} publisher${names.size === 1 ? '' : 's'} on ${options.host}; waiting for readings and alerts (Ctrl-C to stop)`,
          )
        } else if (event.type === 'reading') {
          if (!names.has(event.subscriptionId)) await refreshNames()
          const publisher = names.get(event.subscriptionId) ?? event.subscriptionId
          out(formatReadingEvent(event, publisher, options.json, Date.now(), options.staleMinutes))
        } else {
          out(formatAlertEvent(event, options.json))
        }
      }
    } catch (error) {
      if (options.signal.aborted) return
      if (!isPassing(error)) throw error
      reason = `the stream failed (${(error as { code?: string }).code ?? 'error'})`
    }
    if (options.signal.aborted) return
    const seconds = RECONNECT_SECONDS[Math.min(failures, RECONNECT_SECONDS.length - 1)]!
    failures += 1
    err(`${reason}; reconnecting in ${seconds} s (glucoshare follow shows the alerts sounding now)`)
    await (options.pause ?? sleep)(seconds * 1000, options.signal)
  }
}

/** Failures a pause can cure: no answer, or a server failing for now (a restart, a proxy's 502). */
function isPassing(error: unknown): boolean {
  if (isNetworkError(error) || isTimeoutError(error)) return true
  return (
    isServerError(error) &&
    ['InternalError', 'ServiceUnavailable', 'HttpError'].includes(error.code)
  )
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
