import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { StoreUnavailableError, type Store } from './store/store.js'
import { resolveServerConfig, type ServerConfig } from './config.js'
import { systemClock, type Clock } from './clock.js'
import type { Services } from './services.js'
import { operations } from './operations/index.js'
import { registerOperations } from './share/register-operations.js'
import { ShareFault } from './share/share-fault.js'
import { buildOpenApiDocument } from './openapi/openapi-document.js'
import { redactedUrl } from './share/redact.js'
import { answerBeforeStrayBytes } from './node/answer-before-stray-bytes.js'

/** Seconds a client is told to wait (`Retry-After`) when the database cannot be reached. */
const RETRY_AFTER_SECONDS = 5

/** What {@link createApp} needs. */
export interface AppOptions {
  readonly store: Store
  readonly config?: ServerConfig
  /** @default the system clock */
  readonly clock?: Clock
  /** Log requests (paths only: query strings carry session ids). @default false */
  readonly logger?: boolean | { level: string }
  /** Extra fastify options, for HTTPS. */
  readonly https?: FastifyServerOptions & { https: unknown }
}

/** A glucoshare server: a fastify instance with every Share operation registered. */
export type App = FastifyInstance

/**
Builds the server without listening. Tests drive it with `app.inject()`; `serve()` binds it to a port.
The store must already be migrated.
*/
export async function createApp(options: AppOptions): Promise<App> {
  const services: Services = {
    store: options.store,
    config: resolveServerConfig(options.config),
    clock: options.clock ?? systemClock,
  }
  const app = Fastify({
    ...(options.https ?? {}),
    bodyLimit: services.config.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    return503OnClosing: true,
    logger: loggerOptions(options.logger),
  }) as unknown as FastifyInstance
  answerBeforeStrayBytes(app.server)

  // Share clients send every Content-Type, or none, with bodies that may be empty: take raw bytes
  // and let each operation parse what it needs.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.setErrorHandler((error, request, reply) => {
    const fault = toFault(error)
    if (fault.code === 'InternalError') request.log.error({ err: error }, 'request failed')
    if (fault.code === 'ServiceUnavailable') {
      request.log.warn({ err: error }, 'the database is unavailable')
      reply.header('retry-after', String(RETRY_AFTER_SECONDS))
    }
    return reply
      .code(fault.status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(fault.toWire(services.clock.now())))
  })
  app.setNotFoundHandler((_request, reply) => {
    const fault = new ShareFault('EndpointNotFound', 'No such operation.', 404)
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(fault.toWire()))
  })

  registerOperations(app, operations, services)
  const openApi = JSON.stringify(buildOpenApiDocument(operations))
  app.get('/openapi.json', (_request, reply) => reply.type('application/json').send(openApi))
  // Touches the store, so an unreachable database answers 503 ServiceUnavailable here too.
  app.get('/health', async (_request, reply) => {
    await services.store.countLoginFailures('health-check', services.clock.now())
    return reply.send({ status: 'ok' })
  })
  await app.ready()
  return app
}

function toFault(error: unknown): ShareFault {
  if (error instanceof ShareFault) return error
  // The database is down or unreachable: a 503 tells clients to come back later (spec 5.3), and
  // the message says nothing of the database.
  if (error instanceof StoreUnavailableError)
    return new ShareFault('ServiceUnavailable', undefined, 503)
  const code = (error as { code?: unknown }).code
  const status = (error as { statusCode?: unknown }).statusCode
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ShareFault('PayloadTooLarge', 'The request body is too large.', 413)
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ShareFault('InvalidArgument', 'The request could not be read.', status)
  }
  return new ShareFault('InternalError')
}

function loggerOptions(logger: AppOptions['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (!logger) return false
  return {
    level: logger === true ? 'info' : logger.level,
    serializers: {
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        url: redactedUrl(request.url),
      }),
    },
  }
}
