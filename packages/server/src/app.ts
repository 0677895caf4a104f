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
import { RequestLog } from './request-log.js'
import { AlertService } from './alerting/alert-service.js'
import { LocalLiveBus, type LiveBus } from './alerting/live-bus.js'
import { FollowerStreams } from './alerting/follower-streams.js'
import { registerFollowerStream } from './alerting/follower-stream-route.js'
import { storeWebhookOutbox } from './alerting/store-webhook-outbox.js'
import { WebhookDispatcher } from './webhooks/webhook-delivery.js'
import type { InvitationMailer } from './mail/invitation-mailer.js'

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
  /**
  Carries live-stream messages between instances. @default a bus local to this process; on
  PostgreSQL, `PostgresLiveBus` shares it across instances.
  */
  readonly liveBus?: LiveBus
  /**
  Run the background work: due alert checks (NoData, re-alarms) and webhook deliveries.
  Tests that drive them by hand through {@link backgroundOf} turn it off. @default true
  */
  readonly background?: boolean
  /** How often due alert checks run. @default 15 s */
  readonly alertCheckIntervalMs?: number
  /** The `fetch` webhooks are sent with. @default globalThis.fetch */
  readonly webhookFetch?: typeof globalThis.fetch
  /** Sends invitation e-mails; none are sent without it. */
  readonly invitationMailer?: InvitationMailer
}

/** The background parts of an app, for tests that drive them with a manual clock. */
export interface AppBackground {
  readonly alerts: AlertService
  readonly webhooks: WebhookDispatcher
  readonly streams: FollowerStreams
}

const backgrounds = new WeakMap<object, AppBackground>()

/** The alert service, webhook dispatcher and live streams of an app made by {@link createApp}. */
export function backgroundOf(app: App): AppBackground {
  const background = backgrounds.get(app)
  if (!background) throw new Error('not an app made by createApp')
  return background
}

/** A glucoshare server: a fastify instance with every Share operation registered. */
export type App = FastifyInstance

/**
Builds the server without listening. Tests drive it with `app.inject()`; `serve()` binds it to a port.
The store must already be migrated.
*/
export async function createApp(options: AppOptions): Promise<App> {
  const config = resolveServerConfig(options.config)
  const clock = options.clock ?? systemClock
  const bus = options.liveBus ?? options.store.createLiveBus?.() ?? new LocalLiveBus()
  const webhooks = new WebhookDispatcher({
    outbox: storeWebhookOutbox(options.store),
    clock,
    ...(options.webhookFetch ? { fetch: options.webhookFetch } : {}),
  })
  const alerts = new AlertService({
    store: options.store,
    clock,
    bus,
    legacyWireFormat: config.legacyWireFormat,
    onDeliveriesQueued: () => webhooks.notify(),
    onError: (error) => app.log.error({ err: error }, 'alert evaluation failed'),
    ...(options.alertCheckIntervalMs ? { checkIntervalMs: options.alertCheckIntervalMs } : {}),
  })
  const streams = new FollowerStreams(bus)
  const services: Services = {
    store: options.store,
    config,
    clock,
    alerts,
    invitations: options.invitationMailer,
    onBackgroundError: (error) => app.log.warn({ err: error }, 'background work failed'),
  }
  const app = Fastify({
    ...(options.https ?? {}),
    bodyLimit: services.config.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    return503OnClosing: true,
    logger: loggerOptions(options.logger),
    logController: new RequestLog(),
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
  registerFollowerStream(app, services, streams)
  backgrounds.set(app, { alerts, webhooks, streams })
  if (options.background !== false) {
    alerts.start()
    webhooks.start()
  }
  app.addHook('onClose', async () => {
    await alerts.stop()
    await webhooks.stop()
    streams.close()
    // A bus the caller passed in is theirs to close.
    if (!options.liveBus) await bus.close()
    options.invitationMailer?.close()
  })
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
