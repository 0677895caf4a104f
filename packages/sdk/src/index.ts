export {
  DEXCOM_APPLICATION_ID,
  DEXCOM_APPLICATION_ID_JP,
  DEXCOM_APPLICATION_IDS,
  DEXCOM_BASE_URLS,
  DEXCOM_DEFAULT_UUID,
  DEXCOM_GLUCOSE_HIGH,
  DEXCOM_GLUCOSE_LOW,
  DEXCOM_KNOWN_APPLICATION_IDS,
  DEXCOM_SERVICES_PATH,
  MAX_MAX_COUNT,
  MAX_MINUTES,
  READING_INTERVAL_MINUTES,
  REGIONS,
} from './constants.js'
export type { Region } from './constants.js'
export {
  DEXCOM_TREND_NAMES,
  NIGHTSCOUT_DIRECTIONS,
  TREND_ARROWS,
  TREND_DESCRIPTIONS,
  isTrend,
  nightscoutDirection,
  parseTrend,
  trendName,
} from './trend.js'
export type { NightscoutDirection, Trend, TrendName } from './trend.js'
export {
  formatLegacyShareDate,
  formatOffset,
  formatShareDate,
  formatWireDateTime,
  parseShareDate,
} from './wire-date.js'
export type { ShareDate, WireDateTime } from './wire-date.js'
export { formatWireDuration, parseWireDuration } from './wire-duration.js'
export {
  SHARE_FAULTS,
  faultClassification,
  faultFamily,
  isFaultCode,
  isWireFault,
} from './wire-fault.js'
export type { FaultCode, FaultFamily, WireFault } from './wire-fault.js'
export { DEXCOM_ASSIGNMENT_STATUSES } from './wire.js'
export type {
  AssignmentStatus,
  WireAlertSetting,
  WireAlertSettings,
  WireEgv,
  WireUploadBody,
  WireUploadEgv,
} from './wire.js'
export { isUuid, normalizeUuid } from './uuid.js'
export { ShareClient } from './client.js'
export type { CallOptions, GlucoseReadingsOptions, PostReadingsResult } from './client.js'
export { defaultOptions, normalizeOptions } from './options.js'
export type {
  LoginMethod,
  ResolvedConnectionOptions,
  ResolvedShareClientOptions,
  ShareClientOptions,
  ShareConnectionOptions,
} from './options.js'
export { ShareFollowerClient } from './follower-client.js'
export type { AlertEventsOptions, SubscriptionReading } from './follower-client.js'
export { normalizeFollowerOptions } from './follower-options.js'
export type {
  ResolvedShareFollowerClientOptions,
  ShareFollowerClientOptions,
} from './follower-options.js'
export type { FollowerSubscription } from './follower-subscription.js'
export { ALERT_KINDS, isAlertKind } from './alert-settings.js'
export type {
  AlertKind,
  AlertSetting,
  AlertSettingChange,
  AlertSettingsChange,
  FollowerAlertSettings,
} from './alert-settings.js'
export type { AlertEvent, AlertEventType, AlertEvents, SoundingAlert } from './alert-event.js'
export { parseAlertNotice } from './follower-event.js'
export type { AlertNoticeEvent, FollowerEvent, ReadingEvent, ReadyEvent } from './follower-event.js'
export type { CreatedWebhook, Webhook } from './webhook.js'
export {
  AccountError,
  AccountLockedError,
  ArgumentError,
  CLIENT_ERRORS,
  NetworkError,
  ServerError,
  SessionError,
  ShareError,
  TimeoutError,
  isAccountError,
  isAccountLockedError,
  isArgumentError,
  isNetworkError,
  isServerError,
  isSessionError,
  isShareError,
  isTimeoutError,
} from './errors.js'
// Internal on purpose: `shareError`, `clientError`, `checkSerialNumber` and the `_`-prefixed modules.
export type {
  ClientErrorCode,
  ShareErrorCode,
  ShareErrorFamily,
  ShareErrorName,
  ShareErrorOptions,
} from './errors.js'
export { fromWireFault } from './from-wire-fault.js'
export type { FromWireFaultOptions } from './from-wire-fault.js'
export { GlucoseReading, parseGlucoseReading } from './glucose-reading.js'
export type { ParseGlucoseReadingOptions } from './glucose-reading.js'
export {
  MG_DL_PER_MMOL_L,
  MMOL_CONVERSIONS,
  NIGHTSCOUT_MG_DL_PER_MMOL_L,
  PYDEXCOM_MMOL_L_PER_MG_DL,
  toMmolL,
} from './glucose-units.js'
export type { MmolConversion } from './glucose-units.js'
export { toWireUploadBody } from './upload-reading.js'
export type { UploadReading } from './upload-reading.js'
