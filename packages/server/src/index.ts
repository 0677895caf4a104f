export { createApp } from './app.js'
export type { App, AppOptions } from './app.js'
export { defaultServerConfig, resolveServerConfig } from './config.js'
export type { ResolvedServerConfig, ServerConfig } from './config.js'
export { systemClock } from './clock.js'
export type { Clock } from './clock.js'
export { serve } from './node/serve.js'
export type { RunningServer, ServeOptions } from './node/serve.js'
export { ShareFault } from './share/share-fault.js'
export { operations } from './operations/index.js'
export { buildOpenApiDocument } from './openapi/openapi-document.js'
export { DuplicateKeyError, StoreUnavailableError } from './store/store.js'
export type {
  Account,
  AccountKind,
  AccountPatch,
  Contact,
  Monitoring,
  NewAccount,
  Reading,
  Session,
  SessionMonitoring,
  SessionEgvJson,
  Store,
  Subscription,
} from './store/store.js'
export { SqliteStore } from './store/sqlite/sqlite-store.js'
export type { SqliteStoreConfig } from './store/sqlite/sqlite-store-config.js'
export { PostgresStore } from './store/postgres/postgres-store.js'
export type { PostgresStoreConfig } from './store/postgres/postgres-store-config.js'
export { createAccount } from './accounts/create-account.js'
export type { CreateAccountInput } from './accounts/create-account.js'
export { hashPassword, verifyPassword } from './auth/password.js'
export { normalizeLogin } from './auth/account-login.js'
export {
  INVITE_TTL_MS,
  SubscriptionState,
  subscriptionState,
} from './operations/publisher/follower-records.js'
export { createInvitationMailer } from './mail/invitation-mailer.js'
export type { InvitationMailer, InvitationMailerOptions } from './mail/invitation-mailer.js'
export { InvitationMailError } from './mail/invitation-mail-error.js'
