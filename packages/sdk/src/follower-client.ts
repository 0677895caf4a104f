import { openEventStream, readEventStream } from './_event-stream.js'
import { checkGlucoseWindow, toGlucoseReadings } from './_glucose-window.js'
import { callShare } from './_http.js'
import { SessionKeeper, checkId, operationOf } from './_session.js'
import { parseAlertEvents, type AlertEvents } from './alert-event.js'
import {
  isAlertKind,
  parseFollowerAlertSettings,
  toWireAlertSettingsChange,
  type AlertKind,
  type AlertSettingsChange,
  type FollowerAlertSettings,
} from './alert-settings.js'
import type { CallOptions, GlucoseReadingsOptions } from './client.js'
import { MAX_MINUTES } from './constants.js'
import { clientError, type ClientErrorCode } from './errors.js'
import { toFollowerEvent, type FollowerEvent } from './follower-event.js'
import {
  normalizeFollowerOptions,
  type ResolvedShareFollowerClientOptions,
  type ShareFollowerClientOptions,
} from './follower-options.js'
import { parseFollowerSubscriptions, type FollowerSubscription } from './follower-subscription.js'
import { GlucoseReading } from './glucose-reading.js'
import { normalizeUuid } from './uuid.js'
import {
  checkWebhookUrl,
  parseCreatedWebhook,
  parseWebhook,
  type CreatedWebhook,
  type Webhook,
} from './webhook.js'

/** The newest reading of one subscription, from {@link ShareFollowerClient.getLatestGlucoseReadings}. */
export interface SubscriptionReading {
  readonly subscriptionId: string
  /** `undefined` when the subscription has no reading in the last 24 hours, or is paused. */
  readonly reading: GlucoseReading | undefined
}

/** The window of {@link ShareFollowerClient.getAlertEvents}. */
export interface AlertEventsOptions extends CallOptions {
  /** Minutes of events back from now, 0 to 43200 (30 days). @default 1440 */
  readonly minutes?: number | undefined
}

const S = 'Subscriber/'
const MAX_LATEST_IDS = 50
const MAX_EVENT_MINUTES = 43_200

/**
A client for a follower (subscriber) account on a glucoshare server: the publishers it follows,
their glucose, its alert settings, alerts and webhooks, and a live stream of readings and alerts.
It logs in (`General/LoginSubscriberAccount`) on first use, keeps the session, and on
`SessionIdNotFound`/`SessionNotValid` logs in again once and retries once, as `ShareClient` does.
@example
const follower = new ShareFollowerClient({ baseUrl: 'https://share.example.org', accountId, password })
const [first] = await follower.listSubscriptions()
const readings = await follower.getGlucoseReadings(first.subscriptionId, { minutes: 180 })
for await (const event of follower.streamEvents({ signal })) console.log(event.type)
*/
export class ShareFollowerClient {
  readonly #options: ResolvedShareFollowerClientOptions
  readonly #sessions = new SessionKeeper((signal) => this.#logIn(signal))

  constructor(options: ShareFollowerClientOptions) {
    this.#options = normalizeFollowerOptions(options)
  }

  /** The Share base URL calls go to. */
  get baseUrl(): string {
    return this.#options.baseUrl
  }

  /** True while the client holds a session. */
  get hasSession(): boolean {
    return this.#sessions.current !== undefined
  }

  /** Logs in now, replacing any session; other calls log in by themselves when needed. */
  async login(options: CallOptions = {}): Promise<void> {
    this.#sessions.forget()
    await this.#sessions.session(options.signal)
  }

  /** The publishers this follower follows, oldest acceptance first; paused ones too. */
  async listSubscriptions(options: CallOptions = {}): Promise<FollowerSubscription[]> {
    const path = `${S}ListSubscriberAccountSubscriptions`
    const wire = await this.#read(path, {}, options.signal)
    return parseFollowerSubscriptions(wire, operationOf(path))
  }

  /**
  A subscription's readings of the last `minutes`, newest first, at most `maxCount`. Without
  history permission the server answers the newest reading only; while paused, none.
  */
  async getGlucoseReadings(
    subscriptionId: string,
    options: GlucoseReadingsOptions = {},
  ): Promise<GlucoseReading[]> {
    const path = `${S}ReadSubscriptionLatestGlucoseValues`
    const operation = operationOf(path)
    const id = checkUuid(subscriptionId, 'SubscriptionIdInvalid', operation)
    const { minutes, maxCount } = checkGlucoseWindow(options, operation)
    const query = { subscriptionId: id, minutes, maxCount }
    const wire = await this.#read(path, query, options.signal)
    return toGlucoseReadings(wire, operation, this.#options.mmolConversion)
  }

  /** A subscription's newest reading of the last 24 hours, or `undefined`. */
  async getLatestGlucoseReading(
    subscriptionId: string,
    options: CallOptions = {},
  ): Promise<GlucoseReading | undefined> {
    const window = { ...options, minutes: MAX_MINUTES, maxCount: 1 }
    const [reading] = await this.getGlucoseReadings(subscriptionId, window)
    return reading
  }

  /**
  The newest reading of each of several subscriptions (1 to 50), in one request
  (`ReadLastGlucoseFromSubscriptions`): one entry per id, in the order given.
  */
  async getLatestGlucoseReadings(
    subscriptionIds: readonly string[],
    options: CallOptions = {},
  ): Promise<SubscriptionReading[]> {
    const path = `${S}ReadLastGlucoseFromSubscriptions`
    const operation = operationOf(path)
    if (!Array.isArray(subscriptionIds) || subscriptionIds.length === 0) {
      throw clientError('SubscriptionIdsInvalid', operation)
    }
    if (subscriptionIds.length > MAX_LATEST_IDS) {
      throw clientError('SubscriptionIdsInvalid', operation)
    }
    const ids = subscriptionIds.map((id) => checkUuid(id, 'SubscriptionIdsInvalid', operation))
    const wire = await this.#read(path, {}, options.signal, ids)
    if (!Array.isArray(wire)) throw clientError('InvalidResponse', operation)
    const { mmolConversion } = this.#options
    const byId = new Map<string, GlucoseReading>()
    for (const item of wire as { SubscriptionId?: unknown; Egv?: unknown }[]) {
      const id = normalizeUuid(item?.SubscriptionId)
      if (!id) throw clientError('InvalidResponse', operation)
      byId.set(id, new GlucoseReading(item.Egv, { mmolConversion, operation }))
    }
    return ids.map((subscriptionId) => ({ subscriptionId, reading: byId.get(subscriptionId) }))
  }

  /**
  Accepts an invitation by its id (from the invitation e-mail, the publisher, or
  `glucoshare invitations list`); answers the new subscription's id. Accepting again answers the
  same id. An expired invitation fails with `InvitationExpired`.
  */
  async acceptInvitation(invitationId: string, options: CallOptions = {}): Promise<string> {
    const path = `${S}AcceptSubscriptionInvitation`
    const id = checkUuid(invitationId, 'InvitationIdInvalid', operationOf(path))
    const answer = await this.#read(path, { invitationId: id }, options.signal)
    const subscriptionId = normalizeUuid(answer)
    if (!subscriptionId) throw clientError('InvalidResponse', operationOf(path))
    return subscriptionId
  }

  /** The alert settings in force for this follower: the invitation's until they change them. */
  async getAlertSettings(
    subscriptionId: string,
    options: CallOptions = {},
  ): Promise<FollowerAlertSettings> {
    const path = `${S}ReadSubscriptionAlertSettings`
    const id = checkUuid(subscriptionId, 'SubscriptionIdInvalid', operationOf(path))
    const wire = await this.#read(path, { subscriptionId: id }, options.signal)
    return parseFollowerAlertSettings(wire, operationOf(path))
  }

  /**
  Changes this follower's own alert settings; what `change` leaves out keeps its value, and the
  publisher's settings stay as they were. Answers the settings now in force.
  @example
  await follower.updateAlertSettings(id, { urgentLow: { enabled: true, realarmDelayMinutes: 15 } })
  */
  async updateAlertSettings(
    subscriptionId: string,
    change: AlertSettingsChange,
    options: CallOptions = {},
  ): Promise<FollowerAlertSettings> {
    const path = `${S}UpdateSubscriptionAlertSettings`
    const operation = operationOf(path)
    const id = checkUuid(subscriptionId, 'SubscriptionIdInvalid', operation)
    const body = toWireAlertSettingsChange(change, operation)
    const wire = await this.#read(path, { subscriptionId: id }, options.signal, body)
    return parseFollowerAlertSettings(wire, operation)
  }

  /** The alerts sounding now and the events of the last `minutes`, newest first. */
  async getAlertEvents(
    subscriptionId: string,
    options: AlertEventsOptions = {},
  ): Promise<AlertEvents> {
    const path = `${S}ReadAlertEvents`
    const operation = operationOf(path)
    const id = checkUuid(subscriptionId, 'SubscriptionIdInvalid', operation)
    const minutes = options.minutes ?? MAX_MINUTES
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_EVENT_MINUTES) {
      throw clientError('EventWindowInvalid', operation)
    }
    const wire = await this.#read(path, { subscriptionId: id, minutes }, options.signal)
    return parseAlertEvents(wire, operation)
  }

  /**
  Silences a sounding alert until its re-alarm delay has passed. An alert that is not sounding
  fails with `AlertNotActive` (an `ArgumentError`).
  */
  async acknowledgeAlert(
    subscriptionId: string,
    kind: AlertKind,
    options: CallOptions = {},
  ): Promise<void> {
    const path = `${S}AcknowledgeAlert`
    const operation = operationOf(path)
    const id = checkUuid(subscriptionId, 'SubscriptionIdInvalid', operation)
    if (!isAlertKind(kind)) throw clientError('AlertKindInvalid', operation)
    await this.#read(path, { subscriptionId: id, kind }, options.signal)
  }

  /** Registers a URL that receives every alert event of every subscription, signed. */
  async createWebhook(url: string | URL, options: CallOptions = {}): Promise<CreatedWebhook> {
    const path = `${S}CreateWebhook`
    const body = { Url: checkWebhookUrl(url, operationOf(path)) }
    const wire = await this.#read(path, {}, options.signal, body)
    return parseCreatedWebhook(wire, operationOf(path))
  }

  /** The follower's webhooks, without their secrets. */
  async listWebhooks(options: CallOptions = {}): Promise<Webhook[]> {
    const path = `${S}ListWebhooks`
    const wire = await this.#read(path, {}, options.signal)
    if (!Array.isArray(wire)) throw clientError('InvalidResponse', operationOf(path))
    return wire.map((item) => parseWebhook(item, operationOf(path)))
  }

  /** Removes a webhook; its undelivered events are dropped. */
  async deleteWebhook(webhookId: string, options: CallOptions = {}): Promise<void> {
    const path = `${S}DeleteWebhook`
    const id = checkUuid(webhookId, 'WebhookIdInvalid', operationOf(path))
    await this.#read(path, { webhookId: id }, options.signal)
  }

  /**
  The follower's live stream: a `ready` event once it is open, then each new reading and alert
  event of every subscription that shares. Iterate it with `for await`; leaving the loop closes
  the connection, and aborting `signal` ends the iteration without an error. It ends by itself
  when the server closes the stream (as it does when it stops): call again to reconnect, and read
  `getAlertEvents` for what happened in between. A connection that breaks throws a
  `NetworkError` (`StreamBroken`). Opening is subject to `timeoutMs`; the stream itself is not.
  */
  async *streamEvents(options: CallOptions = {}): AsyncGenerator<FollowerEvent, void, undefined> {
    const path = `${S}StreamEvents`
    const operation = operationOf(path)
    const { signal } = options
    const stream = new AbortController()
    const onAbort = () => stream.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal?.aborted) return
      const body = await this.#sessions.withSession(signal, (sessionId) =>
        openEventStream(this.#options, {
          path,
          query: { sessionId },
          signal,
          streamSignal: stream.signal,
          secrets: this.#secrets(),
        }),
      )
      for await (const message of readEventStream(body, stream.signal, operation)) {
        const event = toFollowerEvent(message, operation, this.#options.mmolConversion)
        if (event) yield event
      }
    } catch (error) {
      if (signal?.aborted) return
      throw error
    } finally {
      signal?.removeEventListener('abort', onAbort)
      stream.abort()
    }
  }

  #read(
    path: string,
    query: Record<string, string | number>,
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<unknown> {
    return this.#sessions.withSession(signal, (sessionId) =>
      callShare(this.#options, {
        path,
        query: { sessionId, ...query },
        body,
        signal,
        secrets: this.#secrets(),
      }),
    )
  }

  async #logIn(signal: AbortSignal | undefined): Promise<string> {
    const path = 'General/LoginSubscriberAccount'
    const { accountId, password, applicationId } = this.#options
    const body = { accountId, password, applicationId }
    const answer = await callShare(this.#options, { path, body, signal, secrets: this.#secrets() })
    return checkId(answer, path)
  }

  #secrets(): (string | undefined)[] {
    return [this.#options.password, this.#sessions.current, this.#options.accountId]
  }
}

function checkUuid(value: unknown, code: ClientErrorCode, operation: string): string {
  const id = normalizeUuid(typeof value === 'string' ? value.trim() : value)
  if (!id) throw clientError(code, operation)
  return id
}
