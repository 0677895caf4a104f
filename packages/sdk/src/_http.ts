/**
Internal: one Share call over `fetch`, with Share's transport conventions (spec 2), a timeout that
holds even when `fetch` ignores its signal, and errors that never carry the URL.
@module
*/
import { clientError } from './errors.js'
import { fromWireFault } from './from-wire-fault.js'
import type { ResolvedConnectionOptions } from './options.js'

/** One call: `Area/Operation`, query parameters, an optional JSON body (default `{}`). */
export interface ShareCall {
  readonly path: string
  readonly query?: Readonly<Record<string, string | number>>
  readonly body?: unknown
  readonly signal?: AbortSignal | undefined
  /** Values to blank out of server messages: the password, the session id. */
  readonly secrets: readonly (string | undefined)[]
}

/** What a call needs of the resolved options. */
export type Transport = Pick<
  ResolvedConnectionOptions,
  'baseUrl' | 'fetch' | 'timeoutMs' | 'userAgent'
>

/** Calls the operation; answers the parsed JSON, or `undefined` for an empty 200. */
export function callShare(transport: Transport, call: ShareCall): Promise<unknown> {
  const operation = call.path.slice(call.path.lastIndexOf('/') + 1)
  return withDeadline(transport.timeoutMs, operation, call.signal, (signal) =>
    exchange(transport, call, operation, signal),
  )
}

/**
Runs `work` with a signal that aborts on timeout or on the caller's abort, and rejects at that
moment whether or not `work` honours its signal (some `fetch` implementations ignore it).
*/
export async function withDeadline<T>(
  timeoutMs: number | false,
  operation: string,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<never>((_resolve, reject) => {
    if (timeoutMs !== false) {
      timer = setTimeout(() => {
        const error = clientError('Timeout', operation, {
          detail: `no answer within ${timeoutMs} ms`,
        })
        controller.abort(error)
        reject(error)
      }, timeoutMs)
    }
    if (signal) {
      onAbort = () => {
        controller.abort(signal.reason)
        reject(signal.reason as Error)
      }
      signal.addEventListener('abort', onAbort, { once: true })
    }
  })
  try {
    return await Promise.race([work(controller.signal), stop])
  } finally {
    clearTimeout(timer)
    if (signal && onAbort) signal.removeEventListener('abort', onAbort)
  }
}

async function exchange(
  transport: Transport,
  call: ShareCall,
  operation: string,
  signal: AbortSignal,
): Promise<unknown> {
  let status: number
  let ok: boolean
  let text: string
  try {
    const response = await transport.fetch(urlOf(transport.baseUrl, call), {
      method: 'POST',
      headers: headersOf(transport.userAgent),
      body: JSON.stringify(call.body ?? {}),
      signal,
    })
    status = response.status
    ok = response.ok
    text = await response.text()
  } catch (error) {
    // The cause may hold the URL, and with it the session id: keep it off the message.
    throw clientError('NetworkError', operation, { cause: error })
  }
  const json = parseJson(text)
  if (!ok) {
    throw fromWireFault(operation, status, json ? json.value : text, { secrets: call.secrets })
  }
  if (text.trim() === '') return undefined
  if (json === undefined) throw clientError('InvalidResponse', operation, { status })
  return json.value
}

/** The parsed JSON of a non-empty text, or `undefined` when it is empty or not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

/** The operation's URL with its query string. */
export function urlOf(baseUrl: string, call: Pick<ShareCall, 'path' | 'query'>): string {
  const query = new URLSearchParams(
    Object.entries(call.query ?? {}).map(([name, value]): [string, string] => [
      name,
      String(value),
    ]),
  ).toString()
  return `${baseUrl}/${call.path}${query ? `?${query}` : ''}`
}

/** Share's JSON headers, and the User-Agent where one may be set. */
export function headersOf(
  userAgent: string | false,
  base: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' },
): Record<string, string> {
  const headers: Record<string, string> = { ...base }
  if (userAgent !== false && !inBrowser()) headers['User-Agent'] = userAgent
  return headers
}

// Browsers refuse or drop a script-set User-Agent; window and worker scopes both count.
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown }
  return typeof scope.document === 'object' || typeof scope.WorkerGlobalScope === 'function'
}
