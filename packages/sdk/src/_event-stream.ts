/**
Internal: Server-Sent Events over `fetch`, without `EventSource` (which cannot be given a `fetch`,
a timeout or a User-Agent): opening the stream, and parsing its body as the HTML standard's
"event stream interpretation" says.
@module
*/
import { headersOf, parseJson, urlOf, withDeadline, type Transport } from './_http.js'
import { clientError } from './errors.js'
import { fromWireFault } from './from-wire-fault.js'

/** One dispatched event. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the event named none. */
  readonly event: string
  /** The `data:` lines, joined with line feeds. */
  readonly data: string
  /** The `id:` field of this event, if it had one. */
  readonly id: string | undefined
}

/** What opening a stream needs. */
export interface EventStreamCall {
  readonly path: string
  readonly query: Readonly<Record<string, string | number>>
  /** The caller's signal: aborts the opening (rejecting with its reason). */
  readonly signal: AbortSignal | undefined
  /** Stays with the fetch for the stream's life: aborting it closes the connection. */
  readonly streamSignal: AbortSignal
  readonly secrets: readonly (string | undefined)[]
}

// A line this long is not an event the server meant to send; holding it would only eat memory.
const MAX_LINE = 1 << 20

/**
GETs the stream and answers its body once the server accepted it. The timeout covers the wait for
the answer's headers, not the stream's life. A fault answer rejects as any call does.
*/
export function openEventStream(
  transport: Transport,
  call: EventStreamCall,
): Promise<ReadableStream<Uint8Array>> {
  const operation = call.path.slice(call.path.lastIndexOf('/') + 1)
  return withDeadline(transport.timeoutMs, operation, call.signal, async () => {
    let response: Response
    try {
      response = await transport.fetch(urlOf(transport.baseUrl, call), {
        method: 'GET',
        headers: headersOf(transport.userAgent, { Accept: 'text/event-stream' }),
        signal: call.streamSignal,
      })
    } catch (error) {
      throw clientError('NetworkError', operation, { cause: error })
    }
    if (!response.ok) {
      let text = ''
      try {
        text = await response.text()
      } catch (error) {
        throw clientError('NetworkError', operation, { cause: error })
      }
      const json = parseJson(text)
      throw fromWireFault(operation, response.status, json ? json.value : text, {
        secrets: call.secrets,
      })
    }
    const type = response.headers.get('content-type') ?? ''
    if (!/^text\/event-stream\b/i.test(type) || !response.body) {
      await response.body?.cancel().catch(() => undefined)
      throw clientError('InvalidResponse', operation, {
        status: response.status,
        detail: 'not an event stream',
      })
    }
    return response.body
  })
}

/**
The events of a stream body, until the server ends it or `signal` aborts (both end the iteration
quietly). A connection that breaks otherwise throws `NetworkError` coded `StreamBroken`.
*/
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  operation: string,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader()
  const onAbort = () => void reader.cancel().catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  const parser = new EventStreamParser()
  const decoder = new TextDecoder()
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        if (signal.aborted) return
        throw clientError('StreamBroken', operation, { cause: error })
      }
      if (chunk.done || signal.aborted) return
      const events = parser.push(decoder.decode(chunk.value, { stream: true }))
      if (events === undefined) {
        throw clientError('InvalidResponse', operation, {
          detail: 'an event stream line is too long',
        })
      }
      for (const event of events) {
        yield event
        if (signal.aborted) return
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    await reader.cancel().catch(() => undefined)
  }
}

/** The line and field rules of an event stream, fed text as it arrives. */
export class EventStreamParser {
  #buffer = ''
  #event = ''
  #data: string[] = []
  #id: string | undefined
  #hasId = false

  /** Answers the events completed by `text`, or `undefined` when a line grows beyond bounds. */
  push(text: string): ServerSentEvent[] | undefined {
    this.#buffer += text
    const events: ServerSentEvent[] = []
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.#buffer)
      // A lone CR at the end may be the first half of a CRLF still on its way.
      if (!end || (end[0] === '\r' && end.index === this.#buffer.length - 1)) break
      const line = this.#buffer.slice(0, end.index)
      this.#buffer = this.#buffer.slice(end.index + end[0].length)
      const event = this.#line(line)
      if (event) events.push(event)
    }
    return this.#buffer.length > MAX_LINE ? undefined : events
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.#dispatch()
    if (line.startsWith(':')) return undefined
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.#event = value
    else if (field === 'data') this.#data.push(value)
    else if (field === 'id' && !value.includes('\0')) {
      this.#id = value
      this.#hasId = true
    }
    // `retry` and unknown fields are ignored: reconnecting is the caller's choice.
    return undefined
  }

  #dispatch(): ServerSentEvent | undefined {
    const data = this.#data
    const event = this.#event
    const id = this.#hasId ? this.#id : undefined
    this.#data = []
    this.#event = ''
    this.#hasId = false
    if (data.length === 0) return undefined
    return { event: event || 'message', data: data.join('\n'), id }
  }
}
