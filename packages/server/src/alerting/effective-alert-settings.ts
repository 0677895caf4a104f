import type { Subscription } from '../store/store.js'
import type { StoredAlertSettings } from '../operations/publisher/alert-settings.js'
import { DEFAULT_ALERTS } from '../operations/publisher/alert-settings.js'
import { DEFAULT_EXTRA_ALERTS, type ExtraAlertSettings } from '../alerts/extra-alert-settings.js'

/** The alert settings that apply to a subscription, and whose they are. */
export interface EffectiveAlertSettings {
  /** Share's four alerts. */
  readonly share: StoredAlertSettings
  /** glucoshare's rising-fast, falling-fast and urgent-low-soon alerts. */
  readonly extra: ExtraAlertSettings
  /** True once the follower changed their own; the publisher's invitation settings until then. */
  readonly own: boolean
}

/** How a follower's own settings are kept in `Subscription.followerAlertSettings`. */
export interface FollowerAlertSettings {
  readonly Share: StoredAlertSettings
  readonly Extra: ExtraAlertSettings
}

/**
The follower's own settings when they set some, else the publisher's invitation settings with
the extra alerts off. Stored text that cannot be read falls back to the defaults rather than
silencing every alert.
*/
export function effectiveAlertSettings(subscription: Subscription): EffectiveAlertSettings {
  if (subscription.followerAlertSettings !== undefined) {
    const own = parse<FollowerAlertSettings>(subscription.followerAlertSettings)
    if (own?.Share && own.Extra) return { share: own.Share, extra: own.Extra, own: true }
  }
  return {
    share: {
      ...DEFAULT_ALERTS,
      ...parse<Partial<StoredAlertSettings>>(subscription.alertSettings),
    },
    extra: DEFAULT_EXTRA_ALERTS,
    own: false,
  }
}

function parse<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T
  } catch {
    return undefined
  }
}
