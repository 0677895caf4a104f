import { createServer, type RequestListener, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify'
import { inject } from 'light-my-request'
import type { Store } from './store/store.js'
import { resolveServerConfig, type ServerConfig } from './config.js'
import { systemClock, type Clock } from './clock.js'
import type { Services } from './services.js'
import { operations } from './operations/index.js'
import { ShareRouter } from './share/share-router.js'
import { ShareFault } from './share/share-fault.js'
import { faultAnswer, toFault, type ShareAnswer } from './share/share-answer.js'
import { shareRequestListener } from './node/share-request-listener.js'
import { buildOpenApiDocument } from './openapi/openapi-document.js'
import { redactedUrl } from './share/redact.js'
import { stdoutLogDestination } from './node/turn-log-destination.js'
import { answerBeforeStrayBytes } from './node/answer-before-stray-bytes.js'
import { drainOnClose } from './node/drain-on-close.js'
import { RequestLog } from './request-log.js'
import { AlertService } from './alerting/alert-service.js'
import { LocalLiveBus, type LiveBus } from './alerting/live-bus.js'
import { FollowerStreams } from './alerting/follower-streams.js'
import { registerFollowerStream } from './alerting/follower-stream-route.js'
import { storeWebhookOutbox } from './alerting/store-webhook-outbox.js'
import { WebhookDispatcher } from './webhooks/webhook-delivery.js'
import type { InvitationMailer } from './mail/invitation-mailer.js'

/** How long an idle keep-alive connection stays open: fastify's default, which Share clients are used to. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000

/** Where log lines go: each call is one JSON line. */
export interface LogDestination {
  write(line: string): void
}

/** What {@link createApp} needs. */
export interface AppOptions {
  readonly store: Store
  readonly config?: ServerConfig
  /** @default the system clock */
  readonly clock?: Clock
  /**
  Log requests, one line each (query values left out: they carry session ids), as JSON lines to
  standard output or to `destination`. @default false
  */
  readonly logger?: boolean | { readonly level: string; readonly destination?: LogDestination }
  /** A PEM certificate and key: the server then speaks HTTPS. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string }
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
const routers = new WeakMap<object, ShareRouter>()

/** The alert service, webhook dispatcher and live streams of an app made by {@link createApp}. */
export function backgroundOf(app: App): AppBackground {
  const background = backgrounds.get(app)
  if (!background) throw new Error('not an app made by createApp')
  return background
}

/** The Share operations an app made by {@link createApp} answers, beside fastify's own routes. */
export function shareRouterOf(app: App): ShareRouter {
  const router = routers.get(app)
  if (!router) throw new Error('not an app made by createApp')
  return router
}

/**
A glucoshare server: a fastify instance whose HTTP server answers Share operations itself (see
`shareRequestListener`) and hands every other request to fastify. `inject()` goes through the
same listener, so in-process tests see exactly what a socket sees.
*/
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
  const router = new ShareRouter(operations)
  let listener: RequestListener | undefined
  let closing = false
  let requestCount = 0
  const nextRequestId = () => `req-${(requestCount++).toString(36)}`
  const app = Fastify({
    bodyLimit: services.config.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    return503OnClosing: true,
    logger: loggerOptions(options.logger),
    logController: new RequestLog(),
    genReqId: nextRequestId,
    serverFactory: (fastifyHandler) => {
      const server = createNodeServer(options.tls, (request, response) =>
        listener!(request, response),
      )
      listener = shareRequestListener(
        {
          router,
          services,
          // fastify's logger exists once the factory returns; Share requests arrive later still.
          get log() {
            return app.log
          },
          isClosing: () => closing,
          nextRequestId,
        },
        fastifyHandler,
      )
      return server
    },
  }) as unknown as FastifyInstance
  answerBeforeStrayBytes(app.server)
  routers.set(app, router)
  app.addHook('preClose', async () => {
    closing = true
  })
  Object.defineProperty(app, 'inject', {
    value: async (injected: Parameters<typeof inject>[1]) => {
      await app.ready()
      return inject(listener!, injected)
    },
  })

  // Share clients send every Content-Type, or none, with bodies that may be empty: take raw bytes
  // and let each handler parse what it needs.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  const sendAnswer = (reply: FastifyReply, answer: ShareAnswer) => {
    if (answer.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(answer.retryAfterSeconds))
    }
    if (answer.contentType) reply.type(answer.contentType)
    return reply.code(answer.status).send(answer.body)
  }
  app.setErrorHandler((error, request, reply) => {
    const fault = toFault(error)
    if (fault.code === 'InternalError') request.log.error({ err: error }, 'request failed')
    if (fault.code === 'ServiceUnavailable') {
      request.log.warn({ err: error }, 'the database is unavailable')
    }
    return sendAnswer(reply, faultAnswer(fault, services.clock.now()))
  })
  app.setNotFoundHandler((_request, reply) =>
    sendAnswer(
      reply,
      faultAnswer(
        new ShareFault('EndpointNotFound', 'No such operation.', 404),
        services.clock.now(),
      ),
    ),
  )

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

function loggerOptions(logger: AppOptions['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (!logger) return false
  const stream = (logger !== true && logger.destination) || stdoutLogDestination()
  return {
    level: logger === true ? 'info' : logger.level,
    stream,
    serializers: {
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        url: redactedUrl(request.url),
      }),
    },
  }
}

/**
An HTTP or HTTPS server with fastify's timeouts, which `serverFactory` leaves to us, whose close
ends every connection once the requests in flight are answered.
*/
function createNodeServer(tls: AppOptions['tls'], listener: RequestListener): Server {
  const server = tls ? createHttpsServer(tls) : createServer()
  server.on('request', drainOnClose(server, listener))
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  return server
}
