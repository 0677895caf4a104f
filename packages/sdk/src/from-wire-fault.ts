import { AccountLockedError, clientError, shareError, type ShareError } from './errors.js'
import { SHARE_FAULTS, faultFamily, isFaultCode, isWireFault } from './wire-fault.js'

/** What {@link fromWireFault} may redact besides UUIDs. */
export interface FromWireFaultOptions {
  /** Values to blank out of the server's message: the password, the session id. */
  readonly secrets?: readonly (string | undefined)[]
}

// Dexcom spells the lockout code with three e's; newer clients check `Exceeded` too (spec 5.2).
const LOCKOUT_CODE = /^SSO_AuthenticateMaxAttemptsExce+(?:d|ded)$/

const CREDENTIAL_HINT =
  'check the account name and password, the region (a wrong region answers the same fault), and that they are the publisher’s credentials, not a follower’s'

const HINTS: Partial<Record<string, string>> = {
  AccountPasswordInvalid: CREDENTIAL_HINT,
  SSO_AuthenticatePasswordInvalid: CREDENTIAL_HINT,
  SSO_AuthenticateAccountNotFound: CREDENTIAL_HINT,
}

// A follower logs in by account id: the publisher advice above would mislead them.
const FOLLOWER_LOGIN = 'LoginSubscriberAccount'
const FOLLOWER_HINT =
  'check the follower’s account id and password, and that they are a follower’s, not a publisher’s'

const UUID_ANYWHERE = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi
const MAX_SERVER_MESSAGE = 300

/**
Turns a failed answer into a {@link ShareError}: the one place where wire codes meet SDK classes.
`body` is the parsed JSON (a `{Code, Message, SubCode, TypeName}` fault) or the raw text.

- Session codes give `SessionError`; credential codes `AccountError`, the lockout
  `AccountLockedError`; argument codes `ArgumentError`.
- Unknown codes, `EndpointNotFound` (the server lacks the operation, which no argument can fix)
  and answers without a fault envelope give `ServerError`.
- Known codes get the SDK's own message; an unknown code gets the server's, with every UUID and
  given secret blanked, since Share's messages quote the session id.
*/
export function fromWireFault(
  operation: string,
  status: number,
  body: unknown,
  options: FromWireFaultOptions = {},
): ShareError {
  if (!isWireFault(body)) {
    return clientError('HttpError', operation, { status, detail: `HTTP ${status}` })
  }
  const code = body.Code
  const serverMessage =
    typeof body.Message === 'string' ? redact(body.Message, options.secrets ?? []) : undefined
  const base = { code, operation, status, serverMessage }
  if (LOCKOUT_CODE.test(code)) {
    const text = 'too many failed logins; the account is locked for a while, try again later'
    return new AccountLockedError(`${operation}: ${text} (${code})`, base)
  }
  const known = isFaultCode(code) ? SHARE_FAULTS[code].message : undefined
  const hint =
    operation === FOLLOWER_LOGIN && HINTS[code] !== undefined ? FOLLOWER_HINT : HINTS[code]
  const text = `${known ?? (serverMessage || 'the server answered an unknown fault')}${hint ? `; ${hint}` : ''}`
  const family = code === 'EndpointNotFound' ? 'server' : faultFamily(code)
  return shareError(family, text, base)
}

function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let text = message
  for (const secret of secrets) {
    if (secret) text = text.split(secret).join('[redacted]')
  }
  text = text.replace(UUID_ANYWHERE, '[redacted]').replace(/\s+/g, ' ').trim()
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE)}…` : text
}
