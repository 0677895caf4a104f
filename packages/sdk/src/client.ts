import { checkGlucoseWindow, toGlucoseReadings, type GlucoseWindow } from './_glucose-window.js'
import { callShare } from './_http.js'
import { SessionKeeper, checkId, operationOf } from './_session.js'
import { MAX_MINUTES } from './constants.js'
import { clientError, isSessionError, isShareError } from './errors.js'
import type { GlucoseReading } from './glucose-reading.js'
import {
  normalizeOptions,
  type ResolvedShareClientOptions,
  type ShareClientOptions,
} from './options.js'
import { checkSerialNumber, toWireUploadBody, type UploadReading } from './upload-reading.js'
import { normalizeUuid } from './uuid.js'
import { DEXCOM_ASSIGNMENT_STATUSES, type AssignmentStatus } from './wire.js'

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; it then rejects with the signal's reason, as `fetch` does. */
  readonly signal?: AbortSignal | undefined
}

/** The window of {@link ShareClient.getGlucoseReadings}. */
export interface GlucoseReadingsOptions extends CallOptions, GlucoseWindow {}

/** What {@link ShareClient.postReadings} did. */
export interface PostReadingsResult {
  /** Readings sent. */
  readonly sent: number
  /** True when Share answered `DuplicateEgvPosted`: it already had every one of them. */
  readonly duplicate: boolean
}

const READ = 'Publisher/ReadPublisherLatestGlucoseValues'

/**
A Share client for a publisher account: reads glucose like pydexcom, and drives the uploader chain.
It logs in on first use, keeps the session, and on `SessionIdNotFound`/`SessionNotValid` logs in
again once and retries once. Credential faults are never retried.
@example
const client = new ShareClient({ username: 'pat', password: secret, region: 'ous' })
const reading = await client.getLatestGlucoseReading()
console.log(reading?.mmolL, reading?.trendArrow)
*/
export class ShareClient {
  readonly #options: ResolvedShareClientOptions
  readonly #sessions = new SessionKeeper((signal) => this.#logIn(signal))
  #accountId: string | undefined

  constructor(options: ShareClientOptions) {
    this.#options = normalizeOptions(options)
    this.#accountId = this.#options.accountId
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

  /** Readings of the last `minutes`, newest first, at most `maxCount`. */
  async getGlucoseReadings(options: GlucoseReadingsOptions = {}): Promise<GlucoseReading[]> {
    const { minutes, maxCount } = checkGlucoseWindow(options, operationOf(READ))
    const wire = await this.#sessions.withSession(options.signal, (sessionId) =>
      this.#call(READ, { sessionId, minutes, maxCount }, options.signal),
    )
    return toGlucoseReadings(wire, operationOf(READ), this.#options.mmolConversion)
  }

  /** The newest reading of the last 24 hours, or `undefined` when there is none. */
  async getLatestGlucoseReading(options: CallOptions = {}): Promise<GlucoseReading | undefined> {
    const [reading] = await this.getGlucoseReadings({
      ...options,
      minutes: MAX_MINUTES,
      maxCount: 1,
    })
    return reading
  }

  /** The newest reading of the last 10 minutes, or `undefined` when there is none. */
  async getCurrentGlucoseReading(options: CallOptions = {}): Promise<GlucoseReading | undefined> {
    const [reading] = await this.getGlucoseReadings({ ...options, minutes: 10, maxCount: 1 })
    return reading
  }

  /** Whether uploads are open (`IsRemoteMonitoringSessionActive`). */
  async isMonitoringSessionActive(options: CallOptions = {}): Promise<boolean> {
    const path = 'Publisher/IsRemoteMonitoringSessionActive'
    const answer = await this.#sessions.withSession(options.signal, (sessionId) =>
      this.#call(path, { sessionId }, options.signal),
    )
    if (typeof answer !== 'boolean') throw clientError('InvalidResponse', operationOf(path))
    return answer
  }

  /**
  Opens uploads for a receiver (`StartRemoteMonitoringSession`). An already open session is not an
  error: it answers `{ alreadyActive: true }`.
  */
  async startMonitoringSession(
    serialNumber: string,
    options: CallOptions = {},
  ): Promise<{ alreadyActive: boolean }> {
    const path = 'Publisher/StartRemoteMonitoringSession'
    const serial = checkSerialNumber(serialNumber, operationOf(path))
    try {
      await this.#sessions.withSession(options.signal, (sessionId) =>
        this.#call(path, { sessionId, serialNumber: serial }, options.signal),
      )
      return { alreadyActive: false }
    } catch (error) {
      if (isShareError(error) && error.code === 'MonitoringSessionAlreadyActive') {
        return { alreadyActive: true }
      }
      throw error
    }
  }

  /** Who a serial number is assigned to (`CheckMonitoredReceiverAssignmentStatus`). */
  async checkReceiverAssignment(
    serialNumber: string,
    options: CallOptions = {},
  ): Promise<AssignmentStatus> {
    const path = 'Publisher/CheckMonitoredReceiverAssignmentStatus'
    const serial = checkSerialNumber(serialNumber, operationOf(path))
    const answer = await this.#sessions.withSession(options.signal, (sessionId) =>
      this.#call(path, { sessionId, serialNumber: serial }, options.signal),
    )
    if (!DEXCOM_ASSIGNMENT_STATUSES.includes(answer as AssignmentStatus)) {
      throw clientError('InvalidResponse', operationOf(path))
    }
    return answer as AssignmentStatus
  }

  /**
  Makes a serial number the account's receiver (`ReplacePublisherAccountMonitoredReceiver`).
  Answers the monitored receiver's id, or `undefined` when the server sends none.
  */
  async assignReceiver(
    serialNumber: string,
    options: CallOptions = {},
  ): Promise<string | undefined> {
    const path = 'Publisher/ReplacePublisherAccountMonitoredReceiver'
    const serial = checkSerialNumber(serialNumber, operationOf(path))
    const answer = await this.#sessions.withSession(options.signal, (sessionId) =>
      this.#call(path, { sessionId, serialNumber: serial }, options.signal),
    )
    return normalizeUuid(answer)
  }

  /**
  Uploads readings (`PostReceiverEgvRecords`). `DuplicateEgvPosted`, which Share answers when it
  already holds every reading, counts as success and is reported as `duplicate: true`.
  */
  async postReadings(
    serialNumber: string,
    readings: readonly UploadReading[],
    options: CallOptions = {},
  ): Promise<PostReadingsResult> {
    const path = 'Publisher/PostReceiverEgvRecords'
    const body = toWireUploadBody(serialNumber, readings, operationOf(path))
    try {
      await this.#sessions.withSession(options.signal, (sessionId) =>
        this.#call(path, { sessionId }, options.signal, body),
      )
      return { sent: body.Egvs.length, duplicate: false }
    } catch (error) {
      if (isShareError(error) && error.code === 'DuplicateEgvPosted') {
        return { sent: body.Egvs.length, duplicate: true }
      }
      throw error
    }
  }

  /** Ends the session (`LogoutPublisherAccount`); a session the server no longer knows is fine. */
  async logout(options: CallOptions = {}): Promise<void> {
    const sessionId = this.#sessions.forget()
    if (sessionId === undefined) return
    try {
      await this.#call('Publisher/LogoutPublisherAccount', { sessionId }, options.signal)
    } catch (error) {
      if (!isSessionError(error)) throw error
    }
  }

  async #logIn(signal: AbortSignal | undefined): Promise<string> {
    const { username, password, applicationId, loginMethod } = this.#options
    if (loginMethod === 'byName') {
      const path = 'General/LoginPublisherAccountByName'
      const body = { accountName: username, password, applicationId }
      return checkId(await this.#call(path, {}, signal, body), path)
    }
    if (this.#accountId === undefined) {
      const path = 'General/AuthenticatePublisherAccount'
      const body = { accountName: username, password, applicationId }
      this.#accountId = checkId(await this.#call(path, {}, signal, body), path)
    }
    const path = 'General/LoginPublisherAccountById'
    const body = { accountId: this.#accountId, password, applicationId }
    return checkId(await this.#call(path, {}, signal, body), path)
  }

  #call(
    path: string,
    query: Record<string, string | number>,
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<unknown> {
    const secrets = [this.#options.password, this.#sessions.current, this.#accountId]
    return callShare(this.#options, { path, query, body, signal, secrets })
  }
}
