import type { Operation } from '../share/operation.js'
import { authenticatePublisherAccount } from './general/authenticate-publisher-account.js'
import { loginPublisherAccountById } from './general/login-publisher-account-by-id.js'
import { loginPublisherAccountByName } from './general/login-publisher-account-by-name.js'
import { loginSubscriberAccount } from './general/login-subscriber-account.js'
import { systemUtcTime } from './general/system-utc-time.js'
import {
  changePublisherAccountPassword,
  logoutPublisherAccount,
  readPublisherAccountDisplayName,
  readPublisherAccountEmail,
  updatePublisherAccountDisplayName,
  updatePublisherAccountEmail,
  updatePublisherAccountRuntimeInfo,
} from './publisher/account-profile.js'
import {
  readPublisherAccountImage,
  updatePublisherAccountImage,
} from './publisher/account-image.js'
import {
  checkMonitoredReceiverAssignmentStatus,
  getMonitoredReceiverIdIfEnabled,
  replacePublisherAccountMonitoredReceiver,
  stopMonitoringReceiver,
} from './publisher/monitored-receiver.js'
import {
  isRemoteMonitoringSessionActive,
  startRemoteMonitoringSession,
  stopRemoteMonitoringSession,
} from './publisher/monitoring-session.js'
import {
  createContact,
  deleteContact,
  doesContactExistByName,
  readContact,
  updateContactName,
} from './publisher/contacts.js'
import {
  createSubscriptionInvitation,
  listPublisherAccountSubscriptions,
  pauseSubscription,
  readSubscriptionAlerts,
  readSubscriptionInviteId,
  resumeSubscription,
  updateSubscriptionPermissions,
} from './publisher/subscriptions.js'
import {
  acceptSubscriptionInvitation,
  listSubscriberAccountSubscriptions,
} from './subscriber/subscriptions.js'
import {
  readLastGlucoseFromSubscriptions,
  readSubscriptionLatestGlucoseValues,
} from './subscriber/glucose.js'
import {
  readFollowerAlertSettings,
  updateFollowerAlertSettings,
} from './subscriber/alert-settings.js'
import { acknowledgeAlert, readAlertEvents } from './subscriber/alerts.js'
import { createWebhook, deleteWebhook, listWebhooks } from './subscriber/webhooks.js'
import { postReceiverEgvRecords } from './publisher/post-receiver-egv-records.js'
import { readPublisherLatestGlucoseValues } from './publisher/read-publisher-latest-glucose-values.js'

/** Every Share operation the server answers. Routing and the OpenAPI document derive from this list. */
export const operations: readonly Operation[] = [
  systemUtcTime,
  loginPublisherAccountByName,
  authenticatePublisherAccount,
  loginPublisherAccountById,
  loginSubscriberAccount,
  isRemoteMonitoringSessionActive,
  startRemoteMonitoringSession,
  stopRemoteMonitoringSession,
  checkMonitoredReceiverAssignmentStatus,
  replacePublisherAccountMonitoredReceiver,
  getMonitoredReceiverIdIfEnabled,
  stopMonitoringReceiver,
  postReceiverEgvRecords,
  readPublisherLatestGlucoseValues,
  updatePublisherAccountRuntimeInfo,
  logoutPublisherAccount,
  readPublisherAccountDisplayName,
  updatePublisherAccountDisplayName,
  readPublisherAccountEmail,
  updatePublisherAccountEmail,
  readPublisherAccountImage,
  updatePublisherAccountImage,
  changePublisherAccountPassword,
  listPublisherAccountSubscriptions,
  doesContactExistByName,
  createContact,
  readContact,
  updateContactName,
  createSubscriptionInvitation,
  readSubscriptionInviteId,
  updateSubscriptionPermissions,
  pauseSubscription,
  resumeSubscription,
  readSubscriptionAlerts,
  deleteContact,
  listSubscriberAccountSubscriptions,
  readSubscriptionLatestGlucoseValues,
  readLastGlucoseFromSubscriptions,
  acceptSubscriptionInvitation,
  readFollowerAlertSettings,
  updateFollowerAlertSettings,
  readAlertEvents,
  acknowledgeAlert,
  createWebhook,
  listWebhooks,
  deleteWebhook,
]
