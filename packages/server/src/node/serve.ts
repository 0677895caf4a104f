import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createApp, type App } from '../app.js'
import { resolveServerConfig, type ResolvedServerConfig, type ServerConfig } from '../config.js'
import type { Store } from '../store/store.js'
import type { Clock } from '../clock.js'
import type { InvitationMailer } from '../mail/invitation-mailer.js'
import { systemClock } from '../clock.js'

/** How {@link serve} listens. */
export interface ServeOptions {
  readonly store: Store
  /** @default 8080 */
  readonly port?: number
  /** @default '127.0.0.1' */
  readonly host?: string
  /** PEM certificate and key files; both or neither. With them the server speaks HTTPS. */
  readonly tlsCertFile?: string
  readonly tlsKeyFile?: string
  readonly config?: ServerConfig
  readonly clock?: Clock
  /** @default true */
  readonly logger?: boolean | { level: string }
  /** Sends invitation e-mails (see `createInvitationMailer`); none are sent without it. */
  readonly invitationMailer?: InvitationMailer
}

/** A listening server. */
export interface RunningServer {
  readonly app: App
  /** `http://host:port` or `https://host:port`. */
  readonly url: string
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000
// Expired sessions are kept a day so that their ids still answer `SessionNotValid`, not "not found".
const SESSION_GRACE_MS = 24 * 60 * 60 * 1000

/**
One hourly purge of expired sessions and, unless their retention is 0, old alert events and
finished webhook deliveries. Each purge that fails is logged and the others still run: the next
hour tries again, and the server keeps serving.
*/
async function purgeOldRows(
  store: Store,
  now: number,
  config: ResolvedServerConfig,
  warn: (error: unknown, message: string) => void,
): Promise<void> {
  const { alertEventRetentionMs, webhookDeliveryRetentionMs } = config
  const purges: [string, (() => Promise<number>) | undefined][] = [
    ['session purge failed', () => store.purgeSessions(now - SESSION_GRACE_MS)],
    // Deliveries first: an event stays while a pending delivery refers to it.
    [
      'webhook delivery purge failed',
      webhookDeliveryRetentionMs > 0
        ? () => store.purgeWebhookDeliveries(now - webhookDeliveryRetentionMs)
        : undefined,
    ],
    [
      'alert event purge failed',
      alertEventRetentionMs > 0
        ? () => store.purgeAlertEvents(now - alertEventRetentionMs)
        : undefined,
    ],
  ]
  for (const [message, purge] of purges) {
    try {
      if (purge) await purge()
    } catch (error) {
      warn(error, message)
    }
  }
}

/** Listens on a port. The store must already be migrated. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const tls = readTls(options)
  const clock = options.clock ?? systemClock
  const app = await createApp({
    store: options.store,
    clock,
    ...(options.config ? { config: options.config } : {}),
    logger: options.logger ?? true,
    ...(tls ? { tls } : {}),
    ...(options.invitationMailer ? { invitationMailer: options.invitationMailer } : {}),
  })
  await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const config = resolveServerConfig(options.config)
  let purging: Promise<void> | undefined
  const purge = setInterval(() => {
    // A purge still running an hour later (a huge first purge) is left to finish, not doubled.
    purging ??= purgeOldRows(options.store, clock.now(), config, (error, message) => {
      app.log.warn({ err: error }, message)
    }).finally(() => {
      purging = undefined
    })
  }, PURGE_INTERVAL_MS)
  purge.unref()
  let closing: Promise<void> | undefined
  return {
    app,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close() {
      closing ??= (async () => {
        clearInterval(purge)
        // fastify's close waits for in-flight requests; every acknowledged write is committed by then.
        await app.close()
        await purging
        await options.store.close()
      })()
      return closing
    },
  }
}

function readTls(options: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  const { tlsCertFile, tlsKeyFile } = options
  if (!tlsCertFile && !tlsKeyFile) return undefined
  if (!tlsCertFile || !tlsKeyFile) {
    throw new TypeError('HTTPS needs both a certificate file and a key file')
  }
  return { cert: readFileSync(tlsCertFile), key: readFileSync(tlsKeyFile) }
}
