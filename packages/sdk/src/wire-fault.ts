/**
Share's fault codes (spec 5.2) as one table, used by the server to raise faults and by the SDK to
classify them. Every application fault travels as HTTP 500 with
`{"Code","Message","SubCode","TypeName":"FaultException"}`.
@module
*/

/** How a fault is classified by glucoshare's SDK. */
export type FaultFamily = 'account' | 'session' | 'argument' | 'server'

interface FaultInfo {
  /** The `Message` Share sends, where it was observed; otherwise a clear one of our own. */
  readonly message: string
  readonly family: FaultFamily
  /** OnlineException classification: `TypeString/CategoryString/SeverityString` and their ints. */
  readonly type: readonly [string, number]
  readonly category: readonly [string, number]
  readonly severity: readonly [string, number]
}

const logical = ['Logical', 5] as const
const minor = ['Minor', 1] as const
const severe = ['Severe', 2] as const
const validation = ['Validation', 4] as const
const system = ['System', 1] as const

function fault(
  message: string,
  family: FaultFamily,
  type: readonly [string, number] = ['InvalidOperation', 7],
  category: readonly [string, number] = logical,
  severity: readonly [string, number] = minor,
): FaultInfo {
  return { message, family, type, category, severity }
}

/**
Every fault code glucoshare's server can emit or its SDK recognises, with its default message.
All but the last seven are Dexcom's codes. `SubscriptionDeleted`, `InvitationExpired` and
`AlertNotActive` (follower extensions), `EndpointNotFound` (HTTP 404), `PayloadTooLarge`
(HTTP 413), `InternalError` (HTTP 500) and `ServiceUnavailable` (HTTP 503, the database cannot be
reached for now) are glucoshare's own, for requests Share's catalogue has no code for. The
official app names HTTP 503 `ServiceUnavailable` too, as a client-side classification (spec 5.3).
*/
export const SHARE_FAULTS = {
  SessionIdNotFound: fault(
    'Failed to find session object.',
    'session',
    ['ObjectNotFound', 5],
    ['Database', 2],
    severe,
  ),
  SessionNotValid: fault('Session not active or timed out.', 'session', ['SessionNotValid', 6]),
  AccountPasswordInvalid: fault(
    'Publisher account password failed',
    'account',
    ['InvalidPassword', 13],
    validation,
  ),
  SSO_AuthenticatePasswordInvalid: fault(
    'Authentication failed.',
    'account',
    ['SingleSignOn', 15],
    system,
    severe,
  ),
  SSO_AuthenticateAccountNotFound: fault('Account not found.', 'account', ['SingleSignOn', 15]),
  // Dexcom's own spelling, three e's (spec 5.2); clients accept it, and some also `Exceeded`.
  SSO_AuthenticateMaxAttemptsExceeed: fault(
    'Maximum authentication attempts exceeded. Try again later.',
    'account',
    ['SingleSignOn', 15],
    system,
  ),
  SSO_InternalError: fault('Cannot authenticate.', 'account', ['SingleSignOn', 15], system, severe),
  InvalidArgument: fault('Invalid argument.', 'argument', ['InvalidArgument', 3], validation),
  MonitoringSessionNotActive: fault('Publisher monitoring session is not active.', 'argument'),
  MonitoringSessionAlreadyActive: fault(
    'Publisher account already has an active monitoring session',
    'argument',
  ),
  MonitoredReceiverNotAssigned: fault(
    'No monitored receiver is assigned to this account.',
    'argument',
  ),
  MonitoredReceiverSerialNumberDoesNotMatch: fault(
    'The serial number does not match the receiver assigned to this account.',
    'argument',
  ),
  SerialNumberAssignedToSomeoneElse: fault(
    'The serial number is assigned to another account.',
    'argument',
  ),
  SerialNumberAssignedToYou: fault('The serial number is already assigned to you.', 'argument'),
  DuplicateEgvPosted: fault('Every posted EGV was already stored.', 'argument'),
  FutureEgvPosted: fault('An EGV is dated in the future.', 'argument'),
  InvalidEmailAddress: fault('The email address is not valid.', 'argument', undefined, validation),
  SSO_EmailNonStandard: fault('The email address is not standard.', 'argument'),
  SSO_EmailUnknownFault: fault('The email address could not be used.', 'argument'),
  ContactAlreadyDeleted: fault('The contact was already deleted.', 'argument'),
  ContactNameAlreadyExists: fault('The contact name already exists for this account', 'argument'),
  ContactIdNotFound: fault('The contact was not found.', 'argument', ['ObjectNotFound', 5]),
  SubscriptionNotPausableState: fault('The subscription cannot be paused now.', 'argument'),
  SubscriptionNotPaused: fault('The subscription is not paused.', 'argument'),
  // glucoshare's own codes from here on: Share's catalogue has none for these cases.
  SubscriptionDeleted: fault('The publisher removed this follower.', 'argument', [
    'ObjectNotFound',
    5,
  ]),
  InvitationExpired: fault('The invitation expired; ask for a new one.', 'argument'),
  AlertNotActive: fault('The alert is not sounding.', 'argument'),
  EndpointNotFound: fault('No such operation.', 'argument', ['ObjectNotFound', 5]),
  PayloadTooLarge: fault('The request body is too large.', 'argument'),
  InternalError: fault(
    'The server could not complete the request.',
    'server',
    ['Unknown', 0],
    system,
    severe,
  ),
  ServiceUnavailable: fault(
    'The service is temporarily unavailable. Try again later.',
    'server',
    ['Unknown', 0],
    system,
    severe,
  ),
} as const satisfies Record<string, FaultInfo>

/** A fault code from {@link SHARE_FAULTS}. */
export type FaultCode = keyof typeof SHARE_FAULTS

/** The fault body Share sends with HTTP 500. */
export interface WireFault {
  Code: string
  Message: string
  SubCode: string
  TypeName: 'FaultException'
}

/** True when `code` is a fault code glucoshare knows. */
export function isFaultCode(code: unknown): code is FaultCode {
  return typeof code === 'string' && Object.hasOwn(SHARE_FAULTS, code)
}

/** The SDK family of any wire code; unknown codes are server faults, and `…Exceeded` is an account fault. */
export function faultFamily(code: string): FaultFamily {
  if (isFaultCode(code)) return SHARE_FAULTS[code].family
  if (code.startsWith('SSO_')) return 'account'
  return 'server'
}

/** The classification (type, category, severity) of a fault code, for the SubCode document. */
export function faultClassification(code: FaultCode): FaultInfo {
  return SHARE_FAULTS[code]
}

/** True when a value has the shape of a Share fault body. */
export function isWireFault(value: unknown): value is WireFault {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { Code?: unknown }).Code === 'string'
  )
}
