/**
Internal: one Share call over `fetch`, with Share's transport conventions (spec 2), a timeout that
holds even when `fetch` ignores its signal, and errors that never carry the URL.
@module
*/
import { clientError } from './errors.js'
import { fromWireFault } from './from-wire-fault.js'
import type { ResolvedShareClientOptions } from './options.js'

/** One call: `Area/Operation`, query parameters, an optional JSON body (default `{}`). */
export interface ShareCall {
  readonly path: string
  readonly query?: Readonly<Record<string, string | number>>
  readonly body?: unknown
  readonly signal?: AbortSignal | undefined
  /** Values to blank out of server messages: the password, the session id. */
  readonly secrets: readonly (string | undefined)[]
}

type Transport = Pick<ResolvedShareClientOptions, 'baseUrl' | 'fetch' | 'timeoutMs' | 'userAgent'>

/** Calls the operation; answers the parsed JSON, or `undefined` for an empty 200. */
export async function callShare(transport: Transport, call: ShareCall): Promise<unknown> {
  const operation = call.path.slice(call.path.lastIndexOf('/') + 1)
  const { signal } = call
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  // Rejects on timeout or on the caller's abort, whether or not `fetch` honours its signal.
  const stop = new Promise<never>((_resolve, reject) => {
    if (transport.timeoutMs !== false) {
      const ms = transport.timeoutMs
      timer = setTimeout(() => {
        const error = clientError('Timeout', operation, { detail: `no answer within ${ms} ms` })
        controller.abort(error)
        reject(error)
      }, ms)
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
    return await Promise.race([exchange(transport, call, operation, controller.signal), stop])
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

function parseJson(text: string): { value: unknown } | undefined {
  if (text.trim() === '') return undefined
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

function urlOf(baseUrl: string, call: ShareCall): string {
  const query = new URLSearchParams(
    Object.entries(call.query ?? {}).map(([name, value]): [string, string] => [
      name,
      String(value),
    ]),
  ).toString()
  return `${baseUrl}/${call.path}${query ? `?${query}` : ''}`
}

function headersOf(userAgent: string | false): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  }
  if (userAgent !== false && !inBrowser()) headers['User-Agent'] = userAgent
  return headers
}

// Browsers refuse or drop a script-set User-Agent; window and worker scopes both count.
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown }
  return typeof scope.document === 'object' || typeof scope.WorkerGlobalScope === 'function'
}
