/**
The SDK's errors: one `ShareError` base and a few families, after pydexcom's `errors.py` and ky's
`KyError`. Messages name the operation and the code, never a URL, session id or password.
@module
*/
import type { FaultCode } from './wire-fault.js'

/** The families of {@link ShareError}, one class each. */
export type ShareErrorFamily = 'account' | 'session' | 'argument' | 'server' | 'network' | 'timeout'

/** Failures the SDK detects itself, with the family and message each one gets. */
export const CLIENT_ERRORS = {
  LoginRejected: {
    family: 'account',
    message: 'the server answered the all-zeros id, which Share uses for a failed login',
  },
  CredentialsRequired: {
    family: 'argument',
    message: 'give a username or an accountId, and a password',
  },
  CredentialsAmbiguous: {
    family: 'argument',
    message: 'give either a username or an accountId, not both',
  },
  UsernameInvalid: { family: 'argument', message: 'username must be a non-empty string' },
  PasswordRequired: { family: 'argument', message: 'password must be a non-empty string' },
  AccountIdInvalid: {
    family: 'argument',
    message: 'accountId must be a UUID other than the all-zeros one',
  },
  RegionInvalid: { family: 'argument', message: "region must be 'us', 'ous' or 'jp'" },
  BaseUrlInvalid: { family: 'argument', message: 'baseUrl must be an absolute http(s) URL' },
  ApplicationIdInvalid: { family: 'argument', message: 'applicationId must be a UUID' },
  LoginMethodInvalid: {
    family: 'argument',
    message: "loginMethod must be 'byId' or 'byName', and 'byName' needs a username",
  },
  MinutesInvalid: { family: 'argument', message: 'minutes must be an integer from 0 to 1440' },
  MaxCountInvalid: { family: 'argument', message: 'maxCount must be an integer from 0 to 288' },
  SerialNumberInvalid: {
    family: 'argument',
    message: 'the serial number must be a non-empty string of at most 64 characters',
  },
  ReadingInvalid: {
    family: 'argument',
    message:
      'each reading needs a valid date, an integer mgDl from 39 to 401, a trend, and an integer utcOffsetMinutes within ±840 if any',
  },
  SubscriptionIdInvalid: { family: 'argument', message: 'the subscription id must be a UUID' },
  SubscriptionIdsInvalid: {
    family: 'argument',
    message: 'give 1 to 50 subscription ids, each a UUID',
  },
  InvitationIdInvalid: { family: 'argument', message: 'the invitation id must be a UUID' },
  WebhookIdInvalid: { family: 'argument', message: 'the webhook id must be a UUID' },
  WebhookUrlInvalid: {
    family: 'argument',
    message: 'the webhook URL must be an absolute http(s) URL without a user name or password',
  },
  AlertKindInvalid: {
    family: 'argument',
    message:
      'the alert kind must be urgentLow, low, high, noData, risingFast, fallingFast or urgentLowSoon',
  },
  AlertSettingsInvalid: { family: 'argument', message: 'the alert settings are not valid' },
  EventWindowInvalid: {
    family: 'argument',
    message: 'minutes must be an integer from 0 to 43200 (30 days)',
  },
  NetworkError: { family: 'network', message: 'the server could not be reached' },
  StreamBroken: { family: 'network', message: 'the event stream broke off' },
  Timeout: { family: 'timeout', message: 'the server did not answer in time' },
  HttpError: {
    family: 'server',
    message: 'the server answered an HTTP error without a Share fault',
  },
  InvalidResponse: {
    family: 'server',
    message: 'the server answered something that is not a valid Share response',
  },
} as const satisfies Record<string, { family: ShareErrorFamily; message: string }>

/** A code from {@link CLIENT_ERRORS}. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS

/** A {@link ShareError} code: a wire fault code (known or not) or one of {@link CLIENT_ERRORS}. */
export type ShareErrorCode = FaultCode | ClientErrorCode | (string & {})

/** What every {@link ShareError} carries besides its message. */
export interface ShareErrorOptions {
  /** The wire `Code`, or a {@link ClientErrorCode}. */
  readonly code: ShareErrorCode
  /** The Share operation (`AuthenticatePublisherAccount`) or, before any request, the SDK call. */
  readonly operation: string
  /** The HTTP status, when the server answered. */
  readonly status?: number | undefined
  /** The server's `Message`, with ids and secrets redacted. */
  readonly serverMessage?: string | undefined
  readonly cause?: unknown
}

/** The names {@link ShareError} classes carry; the guards match on them. */
export type ShareErrorName =
  | 'ShareError'
  | 'AccountError'
  | 'AccountLockedError'
  | 'SessionError'
  | 'ArgumentError'
  | 'ServerError'
  | 'NetworkError'
  | 'TimeoutError'

/** Base of every error the SDK throws on purpose. Check `code`, not the message text. */
export class ShareError extends Error {
  override readonly name: ShareErrorName = 'ShareError'
  readonly code: ShareErrorCode
  readonly operation: string
  readonly status: number | undefined
  readonly serverMessage: string | undefined

  constructor(message: string, options: ShareErrorOptions) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined)
    this.code = options.code
    this.operation = options.operation
    this.status = options.status
    this.serverMessage = options.serverMessage
  }
}

/** The login was refused: wrong password, unknown user, wrong region, or an all-zeros answer. */
export class AccountError extends ShareError {
  override readonly name: 'AccountError' | 'AccountLockedError' = 'AccountError'
}

/** Too many failed logins: the account is locked for a while. The SDK never retries it. */
export class AccountLockedError extends AccountError {
  override readonly name = 'AccountLockedError' as const
}

/** The session is unknown (`SessionIdNotFound`) or expired (`SessionNotValid`). */
export class SessionError extends ShareError {
  override readonly name = 'SessionError' as const
}

/** A bad argument, found by the SDK before any request or answered by the server. */
export class ArgumentError extends ShareError {
  override readonly name = 'ArgumentError' as const
}

/** The server failed, answered an unknown fault, or answered something that is not Share's. */
export class ServerError extends ShareError {
  override readonly name = 'ServerError' as const
}

/** The request never got an answer: DNS, connection or TLS failure. */
export class NetworkError extends ShareError {
  override readonly name = 'NetworkError' as const
}

/** No answer within `timeoutMs`. */
export class TimeoutError extends ShareError {
  override readonly name = 'TimeoutError' as const
}

const CLASSES = {
  account: AccountError,
  session: SessionError,
  argument: ArgumentError,
  server: ServerError,
  network: NetworkError,
  timeout: TimeoutError,
} as const satisfies Record<ShareErrorFamily, typeof ShareError>

/** Creates the error of a family; the message reads `Operation: text (Code)`. */
export function shareError(
  family: ShareErrorFamily,
  text: string,
  options: ShareErrorOptions,
): ShareError {
  return new CLASSES[family](`${options.operation}: ${text} (${options.code})`, options)
}

/** Creates the error for a {@link ClientErrorCode}, optionally with more detail. */
export function clientError(
  code: ClientErrorCode,
  operation: string,
  extra: Omit<ShareErrorOptions, 'code' | 'operation'> & { detail?: string } = {},
): ShareError {
  const { family, message } = CLIENT_ERRORS[code]
  const { detail, ...rest } = extra
  return shareError(family, detail ? `${message}: ${detail}` : message, {
    ...rest,
    code,
    operation,
  })
}

// Matching on `name` as well as `instanceof` survives two copies of the SDK in one bundle (ky's
// type guards). The `operation` check keeps DOMException's `TimeoutError`/`NetworkError` out.
function guard<T extends ShareError>(names: readonly ShareErrorName[]) {
  return (error: unknown): error is T =>
    typeof error === 'object' &&
    error !== null &&
    names.includes((error as { name?: unknown }).name as ShareErrorName) &&
    typeof (error as { operation?: unknown }).operation === 'string' &&
    typeof (error as { code?: unknown }).code === 'string'
}

/** True for any {@link ShareError}, even one from another copy of the SDK. */
export const isShareError = guard<ShareError>([
  'ShareError',
  'AccountError',
  'AccountLockedError',
  'SessionError',
  'ArgumentError',
  'ServerError',
  'NetworkError',
  'TimeoutError',
])
/** True for an {@link AccountError}, lockouts included. */
export const isAccountError = guard<AccountError>(['AccountError', 'AccountLockedError'])
/** True for an {@link AccountLockedError}. */
export const isAccountLockedError = guard<AccountLockedError>(['AccountLockedError'])
/** True for a {@link SessionError}. */
export const isSessionError = guard<SessionError>(['SessionError'])
/** True for an {@link ArgumentError}. */
export const isArgumentError = guard<ArgumentError>(['ArgumentError'])
/** True for a {@link ServerError}. */
export const isServerError = guard<ServerError>(['ServerError'])
/** True for a {@link NetworkError}. */
export const isNetworkError = guard<NetworkError>(['NetworkError'])
/** True for a {@link TimeoutError}. */
export const isTimeoutError = guard<TimeoutError>(['TimeoutError'])
