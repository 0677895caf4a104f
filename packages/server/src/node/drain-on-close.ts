import type { RequestListener, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { ArraySet } from './array-set.js'

/**
Makes `server.close()` end every connection as soon as no request is in flight, so that close
resolves once the requests in flight are answered, and not when the last client hangs up.

Node's `server.close()` (and fastify's `closeIdleConnections()` before it) ends only the
connections idle at that moment. Two kinds are left, and close would wait for their clients:
- a connection that has not sent a request yet, which Node counts as busy (its headers timer
  runs). undici opens one ahead of need beside a follower stream and drops it after its 4 s
  keep-alive timeout;
- a keep-alive connection whose request was in flight at close: once answered it is idle, but no
  one ends it before the 72 s keep-alive timeout.

Requests in flight at close are still answered, with `Connection: close` where their headers are
not sent yet; open follower streams are ended by their route's `preClose` hook.

Answers `listener` wrapped to count the responses in flight, for the server's one request
listener: one shared close handler rather than a second listener on the server and a closure per
request, because it runs on every request (BENCHMARKS.md).
*/
export function drainOnClose(server: Server, listener: RequestListener): RequestListener {
  // Not `Set`s: these change on every request or connection (array-set.ts).
  const sockets = new ArraySet<Socket>()
  const inFlight = new ArraySet<ServerResponse>()
  let closing = false
  const endIfDrained = () => {
    if (!closing || inFlight.size > 0) return
    for (const socket of sockets) socket.destroy()
  }
  function answered(this: ServerResponse) {
    inFlight.delete(this)
    if (closing) endIfDrained()
  }
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // fastify closes the server itself; wrapping close is the one point after which no
  // connection can arrive.
  const close = server.close.bind(server)
  server.close = (callback?: (error?: Error) => void) => {
    close(callback)
    closing = true
    for (const response of inFlight) {
      if (!response.headersSent) response.shouldKeepAlive = false
    }
    endIfDrained()
    return server
  }
  return (request, response) => {
    inFlight.add(response)
    response.on('close', answered)
    listener(request, response)
  }
}
