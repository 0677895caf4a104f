import type { FastifyInstance } from 'fastify'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import type { Services } from '../services.js'
import { requireSession } from '../auth/sessions.js'
import { bodyFieldsOf, parseQuery } from '../share/request-input.js'
import { sessionIdOf } from '../share/run-operation.js'
import { invalidArgument } from '../share/share-fault.js'
import { shuttingDown } from '../node/share-request-listener.js'
import type { FollowerStreams } from './follower-streams.js'

/** The path of the follower's live stream (a glucoshare extension). */
export const FOLLOWER_STREAM_PATH = `${DEXCOM_SERVICES_PATH}/Subscriber/StreamEvents`

/** A comment line every so often keeps proxies and load balancers from closing an idle stream. */
const KEEP_ALIVE_MS = 25_000

/** Streams one follower may hold open at once (phones, watches, a dashboard…). */
export const MAX_STREAMS_PER_FOLLOWER = 10

/** Longest a timer may wait in Node (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

function frame(message: { event: string; data: string }, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${message.event}\ndata: ${message.data}\n\n`
}

/**
`GET Subscriber/StreamEvents?sessionId=…`: a Server-Sent Events stream of the follower's
readings (`event: reading`) and alert events (`event: alert`), from every subscription that
shares now, raised on any instance. It starts with `event: ready`. The stream ends when its
session expires (the client logs in again and reconnects) or the server stops. A follower may
hold {@link MAX_STREAMS_PER_FOLLOWER} streams at once; one more answers HTTP 429.
*/
export function registerFollowerStream(
  app: FastifyInstance,
  services: Services,
  streams: FollowerStreams,
): void {
  const open = new Set<() => void>()
  let closing = false
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    closing = true
    for (const end of [...open]) end()
  })
  app.get(FOLLOWER_STREAM_PATH, async (request, reply) => {
    const input = {
      query: parseQuery(request.url),
      body: undefined,
      bodyFields: bodyFieldsOf(undefined),
    }
    const session = await requireSession(
      services.store,
      services.clock,
      sessionIdOf(input),
      'follower',
    )
    // A stream whose session was still being read when the others were ended would hold close
    // open for as long as its session lasts.
    if (closing) throw shuttingDown()
    if (streams.countOf(session.accountId) >= MAX_STREAMS_PER_FOLLOWER) {
      throw invalidArgument(
        `At most ${MAX_STREAMS_PER_FOLLOWER} streams may be open at once for one follower; close one first.`,
        429,
      )
    }
    reply.hijack()
    const response = reply.raw
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    response.write(`retry: 5000\n${frame({ event: 'ready', data: '{}' })}`)
    const remove = streams.add(session.accountId, (message) => {
      const id =
        message.event === 'alert' ? (JSON.parse(message.data) as { id?: string }).id : undefined
      response.write(frame(message, id))
    })
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS)
    keepAlive.unref()
    // The stream ends with its session; the client logs in again and reconnects.
    const expiry = setTimeout(
      () => end(),
      Math.min(Math.max(session.expiresAt - services.clock.now(), 0), MAX_TIMER_MS),
    )
    expiry.unref()
    const end = () => {
      if (!open.delete(end)) return
      clearInterval(keepAlive)
      clearTimeout(expiry)
      remove()
      response.end()
    }
    open.add(end)
    request.raw.on('close', end)
  })
}
