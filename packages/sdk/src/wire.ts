/**
Raw wire types, spelled exactly as Dexcom spells them. Shared by the SDK and the server.
@module
*/

/** A glucose record as read endpoints return it (spec 4.2), keys in wire order. */
export interface WireEgv {
  /** Wall time: `Date(ms)` (current) or `/Date(ms)/` (legacy). */
  WT: string
  /** System time, same forms as WT. */
  ST: string
  /** Display time with the publisher's zone suffix: `Date(ms-0400)`. */
  DT: string
  /** mg/dL; 39 means below range, 401 above range. */
  Value: number
  /** Share trend name (current) or integer 0-9 (legacy). */
  Trend: string | number
}

/** A glucose record as uploaders send it to `PostReceiverEgvRecords`. */
export interface WireUploadEgv {
  ST: string
  DT?: string
  Value: number
  Trend: number | string
}

/** The body of `PostReceiverEgvRecords`. */
export interface WireUploadBody {
  SN: string
  Egvs: WireUploadEgv[]
  /** Sent as -5 by community uploaders and 0 by the official app; meaning unknown. */
  TA?: number
}

/** One follower alert setting (spec 4.6). */
export interface WireAlertSetting {
  /** 1 High, 2 Low, 3 FixedLow (urgent low), 4 NoData. */
  AlertType: number
  IsEnabled: boolean
  MinValue: number
  MaxValue: number
  AlarmDelay: string
  RealarmDelay: string
  Sound: string
}

/** The four alert settings of a subscription. */
export interface WireAlertSettings {
  HighAlert: WireAlertSetting
  LowAlert: WireAlertSetting
  FixedLowAlert: WireAlertSetting
  NoDataAlert: WireAlertSetting
}

/** Receiver assignment states returned by `CheckMonitoredReceiverAssignmentStatus`. */
export const DEXCOM_ASSIGNMENT_STATUSES = [
  'NotAssigned',
  'AssignedToYou',
  'AssignedToSomeoneElse',
] as const

/** A receiver assignment state. */
export type AssignmentStatus = (typeof DEXCOM_ASSIGNMENT_STATUSES)[number]
