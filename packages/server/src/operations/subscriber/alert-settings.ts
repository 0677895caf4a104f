import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { ShareFault } from '../../share/share-fault.js'
import { SessionIdParam, Uuid } from '../../share/schemas.js'
import {
  WireAlertSettings,
  WireAlertSettingsInput,
  toStoredAlerts,
  toWireAlerts,
} from '../publisher/alert-settings.js'
import {
  WireExtraAlertSettings,
  WireExtraAlertSettingsInput,
  toStoredExtraAlerts,
  toWireExtraAlerts,
} from '../../alerts/extra-alert-settings.js'
import {
  effectiveAlertSettings,
  type FollowerAlertSettings,
} from '../../alerting/effective-alert-settings.js'
import { followedSubscription } from './followed-subscription.js'

const params = Type.Object({
  sessionId: SessionIdParam,
  subscriptionId: Uuid('Subscription id from `ListSubscriberAccountSubscriptions`.'),
})

const FollowerAlertSettingsAnswer = Type.Object({
  AlertSettings: WireAlertSettings,
  ExtraAlertSettings: WireExtraAlertSettings,
  IsOwn: Type.Boolean({
    description:
      "true once the follower changed their settings; false while the invitation's apply.",
  }),
})

const FAULTS_NOTE =
  "A subscription that is not the follower's answers `InvalidArgument`, a deleted one `SubscriptionDeleted`."

export const readFollowerAlertSettings = defineOperation({
  area: 'Subscriber',
  name: 'ReadSubscriptionAlertSettings',
  methods: ['POST'],
  summary: "The follower's alert settings for one subscription (glucoshare extension)",
  description: `Share's four alerts (the same objects as \`General/ReadSubscriptionAlerts\`) and glucoshare's rising-fast, falling-fast and urgent-low-soon alerts, as they apply to this follower: the invitation's until the follower changes them. ${FAULTS_NOTE}`,
  auth: 'follower',
  extension: true,
  params,
  response: { kind: 'json', schema: FollowerAlertSettingsAnswer },
  faults: ['InvalidArgument', 'SubscriptionDeleted'],
  async handle({ params, session, services }) {
    const { subscription } = await followedSubscription(services, session, params.subscriptionId)
    const settings = effectiveAlertSettings(subscription)
    return {
      AlertSettings: toWireAlerts(JSON.stringify(settings.share)),
      ExtraAlertSettings: toWireExtraAlerts(settings.extra),
      IsOwn: settings.own,
    }
  },
})

export const updateFollowerAlertSettings = defineOperation({
  area: 'Subscriber',
  name: 'UpdateSubscriptionAlertSettings',
  methods: ['POST'],
  summary: "Changes the follower's own alert settings (glucoshare extension)",
  description: `The body may hold \`AlertSettings\` (Share's alert objects) and \`ExtraAlertSettings\`; what it leaves out keeps its current value. Only this follower's alerts change: the publisher's invitation settings (\`General/ReadSubscriptionAlerts\`) stay as they were. Answers the settings now in force. ${FAULTS_NOTE}`,
  auth: 'follower',
  extension: true,
  params,
  body: Type.Object({
    AlertSettings: Type.Optional(WireAlertSettingsInput),
    ExtraAlertSettings: Type.Optional(WireExtraAlertSettingsInput),
  }),
  response: { kind: 'json', schema: FollowerAlertSettingsAnswer },
  faults: ['InvalidArgument', 'SubscriptionDeleted'],
  async handle({ params, body, session, services }) {
    const { contact, subscription } = await followedSubscription(
      services,
      session,
      params.subscriptionId,
    )
    const current = effectiveAlertSettings(subscription)
    const own: FollowerAlertSettings = {
      Share: toStoredAlerts(body.AlertSettings, current.share),
      Extra: toStoredExtraAlerts(body.ExtraAlertSettings, current.extra),
    }
    const saved = await services.store.saveFollowerAlertSettings(
      contact.accountKey,
      subscription.id,
      JSON.stringify(own),
    )
    // The publisher deleted the follower meanwhile.
    if (!saved) throw new ShareFault('SubscriptionDeleted')
    await services.alerts.subscriptionChanged(contact.accountKey, subscription.id)
    return {
      AlertSettings: toWireAlerts(JSON.stringify(own.Share)),
      ExtraAlertSettings: toWireExtraAlerts(own.Extra),
      IsOwn: true,
    }
  },
})
