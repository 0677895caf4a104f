/**
The storage contract the server relies on. Implementations live one per engine
(`sqlite/`, later `postgres/`) and share one conformance suite (`store.case.ts`).
Every operation is keyed by account so that a sharded database can keep an account's rows together.
@module
*/

/** Publisher accounts upload and share; follower accounts read what was shared with them. */
export type AccountKind = 'publisher' | 'follower'

/** A stored account. */
export interface Account {
  /** Internal row key; never leaves the server. */
  readonly key: number
  /** The account id clients see (lower-case UUID). */
  readonly id: string
  readonly kind: AccountKind
  readonly username: string
  readonly email: string | undefined
  /** `+<country><number>`, digits only after the plus. */
  readonly phone: string | undefined
  readonly displayName: string
  readonly passwordHash: string
  readonly createdAt: number
}

/** What {@link Store.createAccount} needs. */
export interface NewAccount {
  id: string
  kind: AccountKind
  username: string
  email?: string | undefined
  phone?: string | undefined
  displayName: string
  passwordHash: string
  createdAt: number
}

/** The profile fields an account may change. */
export interface AccountPatch {
  displayName?: string
  email?: string
  passwordHash?: string
}

/** A login session. */
export interface Session {
  readonly id: string
  readonly accountKey: number
  readonly accountId: string
  readonly kind: AccountKind
  readonly createdAt: number
  readonly expiresAt: number
}

/** A publisher's monitoring state: whether uploads are open and which receiver feeds them. */
export interface Monitoring {
  readonly active: boolean
  /** The assigned receiver, upper-case serial number. */
  readonly receiver: { readonly id: string; readonly serialNumber: string } | undefined
  /** When the last accepted upload arrived, on the server's clock. */
  readonly lastUploadAt: number | undefined
}

/** One stored glucose reading. */
export interface Reading {
  /** System time, epoch ms (the de-duplication key with the account). */
  readonly systemTime: number
  /** The publisher's display zone, minutes east of UTC. */
  readonly offsetMinutes: number
  /** mg/dL. */
  readonly value: number
  /** Trend 0-9. */
  readonly trend: number
}

/** One upload's readings, as the stores gather concurrent {@link Store.insertReadings} calls. */
export interface ReadingsUpload {
  readonly accountKey: number
  readonly readings: readonly Reading[]
  /** The server's clock when the upload arrived: the account's upload mark. */
  readonly receivedAt: number
}

/** What {@link Store.insertReadings} answers. */
export interface InsertedReadings {
  /** How many readings were new. */
  readonly inserted: number
  /**
  Whether the account had an active follower when the readings were stored: a contact that is not
  deleted, whose subscription was accepted and is not paused. When false, no alert or live stream
  needs the upload, and the caller can skip listing the contacts (one round trip per upload).
  It is read in the storing transaction: a follower accepting at the same moment may not be
  counted, and is served by the evaluation that acceptance starts and by the next upload.
  */
  readonly followed: boolean
}

/** A session and its account's newest readings, as each engine reads them. */
export interface SessionReadings {
  readonly session: Session
  readonly readings: Reading[]
}

/** What {@link Store.readEgvJsonBySession} answers: a session and its account's newest readings. */
export interface SessionEgvJson {
  readonly session: Session
  /** The readings as Share's EGV array: what `egvArrayJson` (share/egv-json.ts) makes of them. */
  readonly json: string
}

/** What {@link Store.readMonitoringBySession} answers: a session and its account's monitoring. */
export interface SessionMonitoring {
  readonly session: Session
  readonly monitoring: Monitoring
}

/** Outcome of {@link Store.assignReceiver}. */
export type AssignResult =
  { readonly status: 'assigned'; readonly receiverId: string } | { readonly status: 'taken' }

/** A publisher's invitation to a follower, stored on the contact it was sent to. */
export interface Subscription {
  /** Lower-case UUID. */
  readonly id: string
  /** The invitation id (a separate random UUID). */
  readonly invitationId: string
  /** The publisher's name as the follower sees it. */
  readonly displayName: string
  /** 1 = the follower may see the trend graph, 0 = numbers only. */
  readonly permissions: number
  /** The alert settings, JSON text the store keeps as given. */
  readonly alertSettings: string
  readonly paused: boolean
  /** The follower account that accepted, if any. */
  readonly subscriberId: string | undefined
  readonly createdAt: number
  readonly modifiedAt: number
  readonly inviteExpires: number
  /**
  The follower's own alert settings (JSON text, the same shape as {@link alertSettings}), once
  they changed them; until then the publisher's apply.
  */
  readonly followerAlertSettings?: string | undefined
}

/** A follower a publisher has named; soft-deleted contacts stay readable by id. */
export interface Contact {
  readonly accountKey: number
  /** Lower-case UUID. */
  readonly id: string
  readonly name: string
  readonly email: string
  readonly createdAt: number
  readonly deletedAt: number | undefined
  /** The contact's latest invitation, if one was sent. */
  readonly subscription: Subscription | undefined
  /**
  Counts the writes to the contact (0 when created): every store call that changes the contact
  adds one, so {@link Store.saveContact} can tell that the contact changed since it was read.
  */
  readonly version: number
}

/** What {@link Store.createContact} needs. */
export type NewContact = Pick<Contact, 'accountKey' | 'id' | 'name' | 'email' | 'createdAt'>

/** Raised by stores when a unique field (username, email, phone) is already in use. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError'
  readonly field: string
  constructor(field: string) {
    super(`${field} is already in use`)
    this.field = field
  }
}

/**
Raised by stores when the database cannot serve the call now: it cannot be reached, the
connection broke, a wait for it or for a lock timed out, or its storage failed. The call did not
take effect (or, for a connection lost during a commit, may not have); the same call may work
later, with no restart. The server answers it with HTTP 503 `ServiceUnavailable`.
The message is the driver's; the driver's error is the `cause`.
*/
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

import type { LiveBus } from '../alerting/live-bus.js'
import type {
  AcceptInvitationResult,
  AlertEventRecord,
  AlertTransition,
  DueAlertCheck,
  Webhook,
  WebhookDelivery,
} from './alert-records.js'

/** The storage contract. All times are epoch milliseconds on the caller's clock. */
export interface Store {
  /** Creates or upgrades the schema. Safe to call on every start. */
  migrate(): Promise<void>
  /** Releases connections. Idempotent. */
  close(): Promise<void>
  /**
  A live-message bus shared by every server instance on this database, for engines that have
  one (PostgreSQL LISTEN/NOTIFY). Without it, live streams reach the followers of this process only.
  */
  createLiveBus?(): LiveBus

  createAccount(account: NewAccount): Promise<Account>
  /** Finds an account by username (case-insensitive), email (case-insensitive) or phone. */
  findAccountByLogin(login: string): Promise<Account | undefined>
  findAccountById(id: string): Promise<Account | undefined>
  findAccountByKey(key: number): Promise<Account | undefined>
  listAccounts(): Promise<Account[]>
  updateAccount(key: number, patch: AccountPatch): Promise<void>
  readAccountImage(key: number): Promise<{ data: Uint8Array; contentType: string } | undefined>
  writeAccountImage(key: number, data: Uint8Array, contentType: string): Promise<void>
  writeRuntimeInfo(key: number, info: Record<string, unknown>): Promise<void>

  /** Records a failed login for `subject` and returns the failures since `since`, this one included. */
  recordLoginFailure(subject: string, at: number, since: number): Promise<number>
  /** Failed logins for `subject` since `since`. */
  countLoginFailures(subject: string, since: number): Promise<number>
  clearLoginFailures(subject: string): Promise<void>

  createSession(session: Omit<Session, 'accountId' | 'kind'>): Promise<void>
  findSession(id: string): Promise<Session | undefined>
  /** Ends a session now: later use reports it as no longer valid. */
  endSession(id: string, at: number): Promise<void>
  /** Ends every session of an account except `keepId`. */
  endAccountSessions(accountKey: number, keepId: string, at: number): Promise<void>
  /** Deletes sessions that expired before `before`; returns how many. */
  purgeSessions(before: number): Promise<number>

  readMonitoring(accountKey: number): Promise<Monitoring>
  /**
  The session with this id and its account's monitoring state, in one call: one round trip
  for every upload. Undefined when no session has this id; the caller checks the session.
  */
  readMonitoringBySession(sessionId: string): Promise<SessionMonitoring | undefined>
  setMonitoringActive(accountKey: number, active: boolean): Promise<void>
  /** Which account, if any, has the receiver with this serial number. */
  findReceiverOwner(serialNumber: string): Promise<number | undefined>
  /**
  Makes `serialNumber` this account's receiver, replacing any other it had.
  Answers `taken` (and changes nothing) when another account has it.
  */
  assignReceiver(
    accountKey: number,
    serialNumber: string,
    receiverId: string,
  ): Promise<AssignResult>
  /** Unassigns the account's receiver if its id is `receiverId`; true when one was removed. */
  unassignReceiver(accountKey: number, receiverId: string): Promise<boolean>

  /**
  Stores readings atomically, skipping any whose system time the account already has, and marks
  the account's last upload time. Answers how many were new and whether the account has an active
  follower, both as of the same transaction. Uploads that arrive together may share a
  transaction (one commit for all); each is answered only once that transaction has committed.
  */
  insertReadings(
    accountKey: number,
    readings: readonly Reading[],
    receivedAt: number,
  ): Promise<InsertedReadings>
  /** Readings with system time at or after `since`, newest first, at most `limit`. */
  readLatest(accountKey: number, since: number, limit: number): Promise<Reading[]>
  /**
  The readings {@link readLatest} answers, as Share's EGV array (`egvArrayJson(readings, legacy)`,
  byte for byte): what a follower's read answers, rendered by SQLite itself as in
  {@link readEgvJsonBySession}.
  */
  readEgvJson(accountKey: number, since: number, limit: number, legacy: boolean): Promise<string>
  /**
  The session with this id and its account's readings as {@link readLatest} answers them, already
  as Share's EGV array (`egvArrayJson(readings, legacy)`, byte for byte), in one call: one round
  trip on the hottest path (perf-ceiling.md §2), and SQLite renders the array itself, which costs
  less than handing node a day of readings to serialise (BENCHMARKS.md). Undefined when no
  session has this id. The readings come whatever the session's state: the caller checks its
  expiry and kind before using them.
  */
  readEgvJsonBySession(
    sessionId: string,
    since: number,
    limit: number,
    legacy: boolean,
  ): Promise<SessionEgvJson | undefined>

  /**
  Adds a contact unless the publisher already has `maxContacts` contacts that are not deleted
  (answers `full` and changes nothing). A name that a non-deleted contact of the same publisher
  already has (ASCII letters compared without case) raises {@link DuplicateKeyError} `contact_name`.
  */
  createContact(contact: NewContact, maxContacts: number): Promise<'created' | 'full'>
  /** The publisher's contacts that are not deleted, oldest first. */
  listContacts(accountKey: number): Promise<Contact[]>
  /** One of the publisher's contacts by id, deleted or not. */
  findContact(accountKey: number, contactId: string): Promise<Contact | undefined>
  /** The publisher's contact whose subscription has this id, deleted or not. */
  findContactBySubscription(
    accountKey: number,
    subscriptionId: string,
  ): Promise<Contact | undefined>
  /**
  Writes a contact's name, deletion time and subscription as given (identified by its account
  and id), only if the stored contact's `version` still equals `contact.version`, and then adds
  one to it; answers whether it wrote. False (nothing written) means another write reached the
  contact since `contact` was read, from this or another server instance: the caller reads the
  contact again, re-checks and retries, rather than overwrite that write (issue 5). A name clash
  as in {@link createContact} raises {@link DuplicateKeyError} `contact_name`.
  */
  saveContact(contact: Contact): Promise<boolean>

  /**
  Writes the follower's own alert settings of a subscription (JSON text), and nothing else, so
  that it cannot undo a publisher's change made at the same time. False when the subscription is
  not found or its contact is deleted. {@link saveContact} keeps these settings while the
  subscription stays the same, and drops them when the contact gets a new one.
  */
  saveFollowerAlertSettings(
    accountKey: number,
    subscriptionId: string,
    settings: string,
  ): Promise<boolean>
  /**
  Makes the follower `subscriberId` (an account id) the subscriber of the invitation with this id,
  in one atomic step: `not_found` when no contact that is not deleted has it, `expired` when it
  expired unaccepted, `taken` when another follower accepted it, `following` when the follower
  already holds the subscription of another contact of the same publisher that is not deleted
  (it would get every alert twice). Accepting again as the same follower answers `accepted`.
  Concurrent acceptances of two invitations of one publisher, from any server instance, run one
  after the other, so at most one of them succeeds for one follower.
  */
  acceptInvitation(
    invitationId: string,
    subscriberId: string,
    at: number,
  ): Promise<AcceptInvitationResult>
  /** Every contact whose subscription the follower accepted, deleted ones included, oldest first. */
  listFollowerSubscriptions(subscriberId: string): Promise<Contact[]>
  /** The contact holding the follower's subscription with this id, deleted or not. */
  findFollowerSubscription(
    subscriberId: string,
    subscriptionId: string,
  ): Promise<Contact | undefined>

  /**
  Runs one alert evaluation for a subscription atomically: `step` gets the stored state (JSON text,
  undefined at first) and answers what to write, or undefined to write nothing. Concurrent calls
  for one subscription, from any server instance, run one after the other, so each event is raised
  once. Returns the events written.
  */
  transitionAlerts(
    accountKey: number,
    subscriptionId: string,
    step: (state: string | undefined) => AlertTransition | undefined,
  ): Promise<AlertEventRecord[]>
  /** The stored alert state of a subscription (JSON text), if any. */
  readAlertState(accountKey: number, subscriptionId: string): Promise<string | undefined>
  /** Forgets a subscription's alert state (its events stay). */
  dropAlertState(accountKey: number, subscriptionId: string): Promise<void>
  /** Subscriptions whose next check is due at `now`, soonest first, at most `limit`. */
  dueAlertChecks(now: number, limit: number): Promise<DueAlertCheck[]>
  /** A subscription's alert events at or after `since`, newest first, at most `limit`. */
  listAlertEvents(
    accountKey: number,
    subscriptionId: string,
    since: number,
    limit: number,
  ): Promise<AlertEventRecord[]>

  /**
  Adds a webhook unless the follower already has `maxWebhooks` (answers `full` and changes
  nothing). Concurrent calls for one follower, from any server instance, count one after the other.
  */
  createWebhook(webhook: Webhook, maxWebhooks: number): Promise<'created' | 'full'>
  /** The follower's webhooks, oldest first. */
  listWebhooks(accountKey: number): Promise<Webhook[]>
  /** True when the follower had a webhook with this id. Its queued deliveries are dropped. */
  deleteWebhook(accountKey: number, id: string): Promise<boolean>

  /**
  Leases up to `limit` deliveries due at `now` for `leaseMs`: until the lease ends no other call
  (from any instance) gets them.
  */
  claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]>
  markDeliveryDone(id: string, at: number, status: number): Promise<void>
  rescheduleDelivery(
    id: string,
    attempts: number,
    nextAttemptAt: number,
    lastError: string,
  ): Promise<void>
  markDeliveryFailed(id: string, attempts: number, at: number, lastError: string): Promise<void>

  /**
  Deletes alert events that happened before `before`, except those a pending delivery still
  refers to; returns how many. Alert state is not touched. Works in bounded batches, so that a
  first purge of a large table does not hold the database for long.
  */
  purgeAlertEvents(before: number): Promise<number>
  /**
  Deletes finished deliveries (delivered, or failed for good) that finished before `before`;
  returns how many. Pending deliveries, leased or not, stay whatever their age. Works in bounded
  batches like {@link purgeAlertEvents}.
  */
  purgeWebhookDeliveries(before: number): Promise<number>
}
