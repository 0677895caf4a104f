import type { Store } from './store/store.js'
import type { ResolvedServerConfig } from './config.js'
import type { Clock } from './clock.js'
import type { AlertService } from './alerting/alert-service.js'
import type { InvitationMailer } from './mail/invitation-mailer.js'

/** What operation handlers work with. */
export interface Services {
  readonly store: Store
  readonly config: ResolvedServerConfig
  readonly clock: Clock
  /** The alerts engine of every follower. */
  readonly alerts: AlertService
  /** Sends invitations by e-mail, when an SMTP server is configured. */
  readonly invitations: InvitationMailer | undefined
  /** Reports failures of work done after the answer (e-mail); never given secrets. */
  readonly onBackgroundError?: (error: unknown) => void
}
