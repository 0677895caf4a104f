import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
Logs each request once, when it ends: method, redacted URL, status and time, where fastify's
default logs an "incoming request" line as well. Request logging is the largest cost of a read
after the database (BENCHMARKS.md); one line keeps the access log and halves it.
*/
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return
    const line = { req: request, res: reply, responseTime: loggedDuration(reply.elapsedTime) }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

/**
A duration in milliseconds for a log line, written as the same JSON number.

As a `Number` object, pino writes it with `JSON.stringify`. A plain number would be appended to
the line as a string, and V8 keeps every number it turns into a string in a heap-wide cache. With
a new fractional value on every request, that cache changed on every line and brought on
mark-compacts under load; each one then started a promotion storm through the request path's
`Set` (since replaced: `node/array-set.ts`). Before that was found, this change alone took a read
of the newest reading from 60 to 43–49 µs of CPU and the server's peak memory from 262 to 190
MiB (BENCHMARKS.md, sixth and seventh rounds).
*/
export function loggedDuration(milliseconds: number): object {
  return new Number(milliseconds)
}
