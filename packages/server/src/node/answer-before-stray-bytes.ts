import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

/**
share2nightscout-bridge sends its reads with `Content-Length: 0` followed by two stray bytes, `""`
(its HTTP library serialises the empty body as JSON). Node reads those bytes as the start of a
next request and reports a client error while the real request is still being answered; fastify's
default handler would then write a 400 and drop the connection before the answer. Stray bytes after
a complete request therefore only close the connection once the in-flight answer is sent (a
request with `Connection: close` allows nothing more on it anyway). Other client errors keep
fastify's handling.
*/
export function answerBeforeStrayBytes(server: Server): void {
  const inFlight = new WeakMap<Duplex, ServerResponse>()
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.set(request.socket, response)
  })
  const defaultHandlers = server.listeners('clientError')
  server.removeAllListeners('clientError')
  server.on('clientError', (error: Error, socket: Duplex) => {
    const response = inFlight.get(socket)
    if (response && !response.writableFinished && !socket.destroyed) {
      response.once('close', () => socket.end())
      return
    }
    for (const handler of defaultHandlers) handler.call(server, error, socket)
  })
}
