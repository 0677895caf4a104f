import { randomUUID } from 'node:crypto'
import type { Store, Contact, InsertedReadings, Subscription, Reading } from '../store/store.js'
import type {
  AlertEventRecord,
  AlertTransition,
  Webhook,
  WebhookDelivery,
} from '../store/alert-records.js'
import type { Clock } from '../clock.js'
import { alertConfigFrom, type AlertConfig } from '../alerts/alert-config.js'
import { evaluateAlerts } from '../alerts/evaluate-alerts.js'
import { acknowledgeAlert } from '../alerts/acknowledge-alert.js'
import { initialAlertState, restoreAlertState, type AlertState } from '../alerts/alert-state.js'
import { firingAlerts, type FiringAlert } from '../alerts/firing-alerts.js'
import type { AlertEvent } from '../alerts/alert-event.js'
import type { AlertKind } from '../alerts/alert-kind.js'
import { egvArrayJson } from '../share/egv-json.js'
import { effectiveAlertSettings } from './effective-alert-settings.js'
import { alertEventId } from './alert-event-id.js'
import type { LiveBus, LiveMessage } from './live-bus.js'

const MINUTE = 60_000
/** Readings the engine looks at: enough for an hour of trend and the longest runs it tracks. */
const WINDOW_MS = 60 * MINUTE
const WINDOW_COUNT = 24

/** What the alert service needs. */
export interface AlertServiceOptions {
  readonly store: Store
  readonly clock: Clock
  readonly bus: LiveBus
  /** Says webhook deliveries were queued (wakes the dispatcher). */
  readonly onDeliveriesQueued?: () => void
  /** How often due checks (NoData, re-alarms, delays) run without uploads. @default 15 s */
  readonly checkIntervalMs?: number
  /** Reports failures of background checks; never contains secrets. */
  readonly onError?: (error: unknown) => void
  readonly legacyWireFormat?: boolean
}

/** A publisher's recent readings and when the newest upload arrived (server time). */
interface PublisherData {
  readonly readings: readonly Reading[]
  readonly lastDataAt: number | undefined
}

/** An accepted subscription the publisher shares now: the ones alerts and streams serve. */
function isActive(contact: Contact): contact is Contact & { subscription: Subscription } {
  const s = contact.subscription
  return (
    contact.deletedAt === undefined && s !== undefined && s.subscriberId !== undefined && !s.paused
  )
}

/**
Runs the alerts engine for every follower: after each upload, and from a timer for what needs no
upload (NoData, delays, re-alarms). Each evaluation is one store transaction on the
subscription's state, so however many instances run it, each event is raised once. Raised events
go to the follower's live streams (through the bus) and webhooks (through the store's outbox).
*/
export class AlertService {
  readonly #store: Store
  readonly #clock: Clock
  readonly #bus: LiveBus
  readonly #options: AlertServiceOptions
  #timer: NodeJS.Timeout | undefined
  #checking: Promise<void> | undefined

  constructor(options: AlertServiceOptions) {
    this.#store = options.store
    this.#clock = options.clock
    this.#bus = options.bus
    this.#options = options
  }

  /** Starts the timer of due checks. Its timer does not keep the process alive. */
  start(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => {
      this.#checking ??= this.runDueChecks()
        .then(() => undefined)
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => {
          this.#checking = undefined
        })
    }, this.#options.checkIntervalMs ?? 15_000)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#checking
  }

  /**
  New readings were stored for a publisher: evaluate and stream to each active follower. Never
  rejects: the readings are stored whatever happens here, and failures go to `onError`.
  `stored` is what {@link Store.insertReadings} answered: with no active follower then, there is
  nothing to do and the contacts are not read.
  */
  async readingsStored(accountKey: number, stored?: InsertedReadings): Promise<void> {
    if (stored?.followed === false) return
    try {
      await this.#readingsStored(accountKey)
    } catch (error) {
      this.#options.onError?.(error)
    }
  }

  async #readingsStored(accountKey: number): Promise<void> {
    const contacts = (await this.#store.listContacts(accountKey)).filter(isActive)
    if (contacts.length === 0) return
    // Read once for every follower of this publisher.
    const data = await this.#publisherData(accountKey)
    const newest = data.readings[0]
    const messages: LiveMessage[] = []
    for (const contact of contacts) {
      const events = await this.#evaluate(contact, data)
      if (newest) {
        messages.push({
          followerId: contact.subscription.subscriberId!,
          subscriptionId: contact.subscription.id,
          event: 'reading',
          data: `{"SubscriptionId":${JSON.stringify(contact.subscription.id)},"Egv":${egvArrayJson([newest], this.#options.legacyWireFormat ?? false).slice(1, -1)}}`,
        })
      }
      messages.push(...this.#messages(contact, events))
    }
    await this.#bus.publish(messages)
  }

  /**
  A subscription was accepted, paused, resumed, deleted or its settings changed: evaluate it now,
  or forget its state when it no longer shares.
  */
  async subscriptionChanged(accountKey: number, subscriptionId: string): Promise<void> {
    const contact = await this.#store.findContactBySubscription(accountKey, subscriptionId)
    if (!contact || !isActive(contact)) {
      if (contact?.subscription?.subscriberId) await this.#endAlerts(contact)
      await this.#store.dropAlertState(accountKey, subscriptionId)
      return
    }
    const events = await this.#evaluate(contact, await this.#publisherData(accountKey))
    await this.#bus.publish(this.#messages(contact, events))
  }

  /**
  Sharing stopped (paused or deleted): every alert still sounding ends with a `cleared` event,
  so streams and webhooks are not left with an alarm that never stops.
  */
  async #endAlerts(contact: Contact): Promise<void> {
    const reason = contact.deletedAt !== undefined ? 'removed' : 'paused'
    const events = await this.#apply(
      contact as Contact & { subscription: Subscription },
      (stored, now) => {
        if (stored === undefined) return undefined
        const state = this.#restore(stored, now)
        const cleared: AlertEvent[] = firingAlerts(state, now).map((alert) => ({
          kind: alert.kind,
          type: 'cleared',
          at: now,
          reason,
        }))
        return cleared.length === 0 ? undefined : { raised: cleared, state, nextCheckAt: undefined }
      },
    )
    await this.#bus.publish(this.#messages(contact, events))
  }

  /** Evaluates every subscription whose next check is due; returns how many were checked. */
  async runDueChecks(limit = 200): Promise<number> {
    const due = await this.#store.dueAlertChecks(this.#clock.now(), limit)
    for (const { accountKey, subscriptionId } of due) {
      await this.subscriptionChanged(accountKey, subscriptionId)
    }
    return due.length
  }

  /** The alerts sounding now for a subscription. */
  async current(accountKey: number, subscriptionId: string): Promise<FiringAlert[]> {
    const stored = await this.#store.readAlertState(accountKey, subscriptionId)
    if (stored === undefined) return []
    const now = this.#clock.now()
    return firingAlerts(restoreAlertState(JSON.parse(stored), now), now)
  }

  /** Acknowledges a sounding alert; undefined when it is not sounding. */
  async acknowledge(
    accountKey: number,
    subscription: Subscription,
    kind: AlertKind,
  ): Promise<AlertEventRecord | undefined> {
    const contact = await this.#store.findContactBySubscription(accountKey, subscription.id)
    if (!contact || !isActive(contact)) return undefined
    const config = this.#config(contact.subscription)
    const { readings, lastDataAt } = await this.#publisherData(accountKey)
    const events = await this.#apply(contact, (stored, now) => {
      const acked = acknowledgeAlert(this.#restore(stored, now), config, kind, now)
      if (!acked.event) return undefined
      // Evaluate again for the new next check time (the end of the silence).
      const result = evaluateAlerts({ config, state: acked.state, readings, lastDataAt, now })
      return { ...result, raised: [acked.event, ...result.events] }
    })
    await this.#bus.publish(this.#messages(contact, events))
    return events[0]
  }

  async #evaluate(
    contact: Contact & { subscription: Subscription },
    { readings, lastDataAt }: PublisherData,
  ): Promise<AlertEventRecord[]> {
    const config = this.#config(contact.subscription)
    return this.#apply(contact, (stored, now) => {
      const result = evaluateAlerts({
        config,
        state: this.#restore(stored, now),
        readings,
        lastDataAt,
        now,
      })
      return { ...result, raised: result.events }
    })
  }

  /**
  Runs one step on a subscription's stored alert state in a store transaction, with the events it
  raises queued for the follower's webhooks; answers the events written.
  */
  async #apply(
    contact: Contact & { subscription: Subscription },
    step: (
      stored: string | undefined,
      now: number,
    ) =>
      | { raised: readonly AlertEvent[]; state: AlertState; nextCheckAt: number | undefined }
      | undefined,
  ): Promise<AlertEventRecord[]> {
    const webhooks = await this.#store.listWebhooks(await this.#followerKey(contact))
    const now = this.#clock.now()
    const events = await this.#store.transitionAlerts(
      contact.accountKey,
      contact.subscription.id,
      (stored) => {
        const next = step(stored, now)
        return next && this.#transition(contact, next.raised, next, webhooks)
      },
    )
    if (events.length > 0) this.#options.onDeliveriesQueued?.()
    return events
  }

  #transition(
    contact: Contact & { subscription: Subscription },
    raised: readonly AlertEvent[],
    result: { state: AlertState; nextCheckAt: number | undefined },
    webhooks: readonly Webhook[],
  ): AlertTransition {
    const subscriptionId = contact.subscription.id
    const events: AlertEventRecord[] = raised.map((event) => ({
      id: alertEventId(event.at),
      accountKey: contact.accountKey,
      subscriptionId,
      kind: event.kind,
      type: event.type,
      at: event.at,
      data: JSON.stringify(event),
    }))
    const deliveries: WebhookDelivery[] = []
    for (const event of events) {
      const body = webhookBody(contact, event)
      for (const webhook of webhooks) {
        deliveries.push({
          id: randomUUID(),
          webhookId: webhook.id,
          url: webhook.url,
          secret: webhook.secret,
          eventId: event.id,
          eventType: `alert.${event.type}`,
          body,
          attempts: 0,
          nextAttemptAt: event.at,
          createdAt: event.at,
        })
      }
    }
    return {
      state: JSON.stringify(result.state),
      nextCheckAt: result.nextCheckAt,
      events,
      deliveries,
    }
  }

  #messages(contact: Contact, events: readonly AlertEventRecord[]): LiveMessage[] {
    const s = contact.subscription
    if (!s?.subscriberId) return []
    return events.map((event) => ({
      followerId: s.subscriberId!,
      subscriptionId: s.id,
      event: 'alert',
      data: webhookBody(contact, event),
    }))
  }

  #restore(stored: string | undefined, now: number): AlertState {
    return stored === undefined
      ? initialAlertState(now)
      : restoreAlertState(JSON.parse(stored), now)
  }

  #config(subscription: Subscription): AlertConfig {
    const settings = effectiveAlertSettings(subscription)
    return alertConfigFrom(settings.share, settings.extra)
  }

  /** What every evaluation of a publisher's subscriptions looks at. */
  async #publisherData(accountKey: number): Promise<PublisherData> {
    const [readings, monitoring] = await Promise.all([
      this.#store.readLatest(accountKey, this.#clock.now() - WINDOW_MS, WINDOW_COUNT),
      this.#store.readMonitoring(accountKey),
    ])
    return { readings, lastDataAt: monitoring.lastUploadAt }
  }

  async #followerKey(contact: Contact): Promise<number> {
    const follower = await this.#store.findAccountById(contact.subscription!.subscriberId!)
    return follower?.key ?? -1
  }
}

/** The JSON an alert event travels as, to webhooks and live streams alike. */
function webhookBody(contact: Contact, event: AlertEventRecord): string {
  return JSON.stringify({
    id: event.id,
    type: `alert.${event.type}`,
    subscriptionId: event.subscriptionId,
    publisher: contact.subscription?.displayName ?? '',
    alert: JSON.parse(event.data) as unknown,
  })
}
