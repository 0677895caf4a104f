/**
Delivers queued alert webhooks: signs, POSTs, and retries with back-off.
@module
*/
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { WebhookDelivery, WebhookOutbox } from './webhook-outbox.js'
import { attemptWebhookDelivery, type WebhookAttemptOutcome } from './webhook-attempt.js'
import { WEBHOOK_RETRY_DELAYS_MS, nextRetryDelay } from './webhook-retry-policy.js'

/** Where the dispatcher reports; fastify's `app.log` fits. Fields never hold a secret or a full URL. */
export interface WebhookLogger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

/** How a {@link WebhookDispatcher} works. Everything but `outbox` has a default. */
export interface WebhookDispatcherOptions {
  readonly outbox: WebhookOutbox
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch
  /** Decides what is due and stamps signatures. @default systemClock */
  readonly clock?: Clock
  /** Jitter source, `[0, 1)`. @default Math.random */
  readonly random?: () => number
  readonly logger?: WebhookLogger
  /** Time allowed for the receiver's answer (headers). @default 10 000 ms */
  readonly timeoutMs?: number
  /** Waits after each failed attempt; their count + 1 is the number of attempts. @default {@link WEBHOOK_RETRY_DELAYS_MS} */
  readonly retryDelaysMs?: readonly number[]
  /** Deliveries claimed, and sent concurrently, per pass. @default 10 */
  readonly batchSize?: number
  /** How long a claim holds a delivery; must exceed `timeoutMs`. @default 60 000 ms */
  readonly leaseMs?: number
  /** Real-time interval of the {@link WebhookDispatcher.start} loop. @default 5 000 ms */
  readonly pollIntervalMs?: number
}

const noopLogger: WebhookLogger = { info() {}, warn() {} }

/**
Takes due deliveries from a {@link WebhookOutbox} and sends them. `runDue()` is one pass (what
tests drive with a manual clock); `start()` runs passes every `pollIntervalMs` and right after
`notify()`. Several dispatchers, in one process or many, may share an outbox: its leases keep
them from sending the same delivery at once.
*/
export class WebhookDispatcher {
  readonly #outbox: WebhookOutbox
  readonly #fetch: typeof globalThis.fetch
  readonly #clock: Clock
  readonly #random: () => number
  readonly #logger: WebhookLogger
  readonly #timeoutMs: number
  readonly #retryDelaysMs: readonly number[]
  readonly #batchSize: number
  readonly #leaseMs: number
  readonly #pollIntervalMs: number
  readonly #inFlight = new Set<Promise<unknown>>()
  #running = false
  #timer: NodeJS.Timeout | undefined
  #loopPass: Promise<void> | undefined
  #notified = false

  constructor(options: WebhookDispatcherOptions) {
    this.#outbox = options.outbox
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#clock = options.clock ?? systemClock
    this.#random = options.random ?? Math.random
    this.#logger = options.logger ?? noopLogger
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 10_000)
    this.#batchSize = positiveInteger('batchSize', options.batchSize ?? 10)
    this.#leaseMs = positiveInteger('leaseMs', options.leaseMs ?? 60_000)
    this.#pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 5_000)
    this.#retryDelaysMs = (options.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS).map((delay) =>
      positiveInteger('retryDelaysMs[]', delay),
    )
    if (this.#leaseMs <= this.#timeoutMs) {
      throw new RangeError('webhook leaseMs must be longer than timeoutMs')
    }
  }

  /** One pass: claims up to `batchSize` due deliveries, sends them, records the outcomes. Returns how many were attempted. */
  async runDue(): Promise<number> {
    const pass = this.#pass()
    this.#inFlight.add(pass)
    try {
      return await pass
    } finally {
      this.#inFlight.delete(pass)
    }
  }

  /** Starts the loop; a no-op when already started. Its timer does not keep the process alive. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#schedule(0)
  }

  /** Says deliveries were queued: the loop runs a pass now instead of at its next tick. */
  notify(): void {
    if (!this.#running) return
    if (this.#loopPass) {
      this.#notified = true
    } else {
      this.#schedule(0)
    }
  }

  /** Stops the loop and waits for every send in flight (bounded by `timeoutMs`) to be recorded. */
  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    await Promise.allSettled([...this.#inFlight])
  }

  async #pass(): Promise<number> {
    const claimed = await this.#outbox.claimDue(this.#clock.now(), this.#batchSize, this.#leaseMs)
    const results = await Promise.allSettled(claimed.map((delivery) => this.#deliver(delivery)))
    for (const [index, result] of results.entries()) {
      if (result.status === 'rejected') {
        // The outbox could not record the outcome; the lease runs out and the delivery is retried.
        this.#logger.warn(
          { ...logFields(claimed[index]), err: errorName(result.reason) },
          'webhook outcome not recorded',
        )
      }
    }
    return claimed.length
  }

  async #deliver(delivery: WebhookDelivery): Promise<void> {
    const outcome = await attemptWebhookDelivery(delivery, {
      fetch: this.#fetch,
      now: this.#clock.now(),
      timeoutMs: this.#timeoutMs,
    })
    await this.#record(delivery, outcome, delivery.attempts + 1)
  }

  async #record(
    delivery: WebhookDelivery,
    outcome: WebhookAttemptOutcome,
    attempts: number,
  ): Promise<void> {
    const now = this.#clock.now()
    const fields = { ...logFields(delivery), attempts }
    if (outcome.kind === 'delivered') {
      await this.#outbox.markDelivered(delivery.id, attempts, now, outcome.status)
      return
    }
    const delay =
      outcome.kind === 'retry'
        ? nextRetryDelay(attempts, this.#retryDelaysMs, this.#random, outcome.retryAfterMs)
        : undefined
    if (delay === undefined) {
      await this.#outbox.markFailed(delivery.id, attempts, now, outcome.error)
      this.#logger.warn({ ...fields, error: outcome.error }, 'webhook delivery failed for good')
      return
    }
    await this.#outbox.reschedule(delivery.id, attempts, now + delay, outcome.error)
    this.#logger.info(
      { ...fields, error: outcome.error, retryInMs: delay },
      'webhook delivery will be retried',
    )
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#tick(), delayMs)
    this.#timer.unref()
  }

  #tick(): void {
    this.#timer = undefined
    let fullBatch = false
    this.#loopPass = this.runDue().then(
      (count) => {
        fullBatch = count >= this.#batchSize
      },
      (error: unknown) => {
        this.#logger.warn({ err: errorName(error) }, 'webhook outbox unavailable')
      },
    )
    void this.#loopPass.then(() => {
      this.#loopPass = undefined
      if (!this.#running) return
      const again = fullBatch || this.#notified
      this.#notified = false
      this.#schedule(again ? 0 : this.#pollIntervalMs)
    })
  }
}

function logFields(delivery: WebhookDelivery | undefined): Record<string, unknown> {
  if (!delivery) return {}
  return {
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    host: safeHost(delivery.url),
  }
}

// The host only: a webhook URL's path or query often is the receiver's credential.
function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

// Messages from stores and drivers can quote connection strings; only the class and code are logged.
function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? `${error.name} (${code})` : error.name
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0 || value > 2_147_483_647) {
    throw new RangeError(`webhook ${name} must be a positive whole number of at most 2^31-1`)
  }
  return value
}
