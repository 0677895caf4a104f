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
a new fractional value on every request, that cache changed on every line, and under load the
server's young-generation collections began to promote whole requests: scavenges took 7 ms
instead of 1 and the heap swung between 26 and 108 MiB. A read of the newest reading cost 60 µs
of CPU instead of 43–49 and the server's peak memory was 262 MiB instead of 190 (BENCHMARKS.md).
*/
export function loggedDuration(milliseconds: number): object {
  return new Number(milliseconds)
}
