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
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
