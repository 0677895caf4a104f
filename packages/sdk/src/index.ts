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
