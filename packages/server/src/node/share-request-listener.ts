import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http'
import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger } from 'fastify'
import type { Services } from '../services.js'
import type { ShareRouter } from '../share/share-router.js'
import type { CompiledOperation } from '../share/compiled-operation.js'
import { runOperation } from '../share/run-operation.js'
import { faultAnswer, payloadTooLarge, toFault, type ShareAnswer } from '../share/share-answer.js'
import { ShareFault } from '../share/share-fault.js'
import { loggedDuration } from '../request-log.js'

/** What {@link shareRequestListener} needs. */
export interface ShareListenerOptions {
  readonly router: ShareRouter
  readonly services: Services
  readonly log: FastifyBaseLogger
  /** True once the server is closing: new requests answer 503. */
  readonly isClosing: () => boolean
  /** The id a request's log lines carry, from the same sequence as fastify's. */
  readonly nextRequestId: () => string
}

/**
The server's request listener: Share operations are answered here, every other request goes to
`fallback` (fastify: the OpenAPI document, health, the follower stream, 404s). Share operations
skip the framework because its per-request work (request and reply objects, hooks, routing,
a logger child) was a third of a read's CPU time (BENCHMARKS.md); everything an operation does
is in `runOperation`, which is the same for every operation.
*/
export function shareRequestListener(
  options: ShareListenerOptions,
  fallback: RequestListener,
): RequestListener {
  const { router } = options
  const { bodyLimitBytes } = options.services.config
  return (request, response) => {
    const compiled = router.match(request.method, request.url)
    if (!compiled) {
      fallback(request, response)
      return
    }
    const exchange: Exchange = {
      options,
      compiled,
      request,
      response,
      started: performance.now(),
      requestId: options.nextRequestId(),
    }
    if (options.isClosing()) {
      // As fastify's return503OnClosing, but in Share's envelope.
      response.shouldKeepAlive = false
      finish(exchange, faultAnswer(shuttingDown(), options.services.clock.now()))
      return
    }
    if (request.method === 'GET' || !hasBody(request)) {
      run(exchange, undefined)
      return
    }
    const declared = Number(request.headers['content-length'])
    if (declared > bodyLimitBytes) {
      tooLarge(exchange)
      return
    }
    readBody(exchange)
  }
}

interface Exchange {
  readonly options: ShareListenerOptions
  readonly compiled: CompiledOperation
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly started: number
  readonly requestId: string
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length']
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  )
}

function readBody(exchange: Exchange): void {
  const { request, options } = exchange
  const chunks: Buffer[] = []
  let size = 0
  let over = false
  request.on('data', (chunk: Buffer) => {
    if (over) return
    size += chunk.length
    if (size > options.services.config.bodyLimitBytes) {
      over = true
      chunks.length = 0
      tooLarge(exchange)
      return
    }
    chunks.push(chunk)
  })
  request.on('end', () => {
    if (over) return
    run(exchange, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
  })
  // The client went away mid-body: there is no one to answer.
  request.on('error', () => {})
}

function tooLarge(exchange: Exchange): void {
  // The rest of the body is not read: the connection ends with the answer.
  exchange.response.shouldKeepAlive = false
  finish(exchange, faultAnswer(payloadTooLarge(), exchange.options.services.clock.now()))
}

function run(exchange: Exchange, body: Buffer | undefined): void {
  const { options, compiled, request } = exchange
  runOperation(compiled, options.services, {
    url: request.url ?? '',
    contentType: request.headers['content-type'],
    body,
  }).then(
    (answer) => finish(exchange, answer),
    (error: unknown) => fail(exchange, error),
  )
}

function fail(exchange: Exchange, error: unknown): void {
  const { options } = exchange
  const fault = toFault(error)
  if (fault.code === 'InternalError') {
    options.log.error({ reqId: exchange.requestId, err: error }, 'request failed')
  } else if (fault.code === 'ServiceUnavailable') {
    options.log.warn({ reqId: exchange.requestId, err: error }, 'the database is unavailable')
  }
  finish(exchange, faultAnswer(fault, options.services.clock.now()))
}

function finish(exchange: Exchange, answer: ShareAnswer): void {
  const { response, request, options } = exchange
  if (response.headersSent || response.destroyed) return
  const headers: OutgoingHttpHeaders = {
    'content-length':
      typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length,
  }
  if (answer.contentType) headers['content-type'] = answer.contentType
  if (answer.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(answer.retryAfterSeconds)
  response.writeHead(answer.status, headers)
  response.end(answer.body)
  const { log } = options
  if (logsInfo(log)) {
    log.info(
      {
        reqId: exchange.requestId,
        req: { method: request.method, url: request.url },
        res: { statusCode: answer.status },
        responseTime: loggedDuration(performance.now() - exchange.started),
      },
      'request completed',
    )
  }
}

// fastify's logger is a no-op object, without `isLevelEnabled`, when logging is off.
function logsInfo(log: FastifyBaseLogger): boolean {
  const { isLevelEnabled } = log as { isLevelEnabled?: (level: string) => boolean }
  return isLevelEnabled ? isLevelEnabled.call(log, 'info') : false
}

/** The fault a request that arrives while the server closes answers. */
export function shuttingDown(): ShareFault {
  return new ShareFault('ServiceUnavailable', 'The server is shutting down.', 503)
}
