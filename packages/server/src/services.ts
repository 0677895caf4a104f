import type { Store } from './store/store.js'
import type { ResolvedServerConfig } from './config.js'
import type { Clock } from './clock.js'

/** What operation handlers work with. */
export interface Services {
  readonly store: Store
  readonly config: ResolvedServerConfig
  readonly clock: Clock
}
