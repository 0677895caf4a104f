import { describe, expect, it } from 'vitest'
import {
  AccountError,
  AccountLockedError,
  ArgumentError,
  CLIENT_ERRORS,
  NetworkError,
  ServerError,
  SessionError,
  ShareError,
  TimeoutError,
  clientError,
  isAccountError,
  isAccountLockedError,
  isArgumentError,
  isNetworkError,
  isServerError,
  isSessionError,
  isShareError,
  isTimeoutError,
  type ClientErrorCode,
} from './errors.js'
import { fromWireFault } from './from-wire-fault.js'
import { SHARE_FAULTS, type FaultCode } from './wire-fault.js'

const SESSION_ID = '5c3c1e4b-8a53-4c8e-9e2e-0f4b7f7c1a2b'
const PASSWORD = 'not-a-real-pass'

function fault(Code: string, Message = 'text'): Record<string, string> {
  return { Code, Message, SubCode: '<OnlineException />', TypeName: 'FaultException' }
}

const CLASS_OF = {
  account: AccountError,
  session: SessionError,
  argument: ArgumentError,
  server: ServerError,
  network: NetworkError,
  timeout: TimeoutError,
} as const

const GUARDS = {
  isShareError,
  isAccountError,
  isAccountLockedError,
  isSessionError,
  isArgumentError,
  isServerError,
  isNetworkError,
  isTimeoutError,
}

/** Which guards say yes, by name. */
function matches(error: unknown): string[] {
  return Object.entries(GUARDS)
    .filter(([, guard]) => guard(error))
    .map(([name]) => name)
}

describe('ShareError and its families', () => {
  it('carries code, operation, status, server message and cause', () => {
    const cause = new Error('socket hang up')
    const error = new SessionError('ReadPublisherLatestGlucoseValues: gone (SessionNotValid)', {
      code: 'SessionNotValid',
      operation: 'ReadPublisherLatestGlucoseValues',
      status: 500,
      serverMessage: 'Session not active or timed out.',
      cause,
    })
    expect(error).toBeInstanceOf(ShareError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SessionError')
    expect(error.code).toBe('SessionNotValid')
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
    expect(error.status).toBe(500)
    expect(error.serverMessage).toBe('Session not active or timed out.')
    expect(error.cause).toBe(cause)
  })

  it('makes the lockout error an account error with its own name', () => {
    const error = new AccountLockedError('x', { code: 'SSO_X', operation: 'Op' })
    expect(error).toBeInstanceOf(AccountError)
    expect(error.name).toBe('AccountLockedError')
    expect(matches(error)).toEqual(['isShareError', 'isAccountError', 'isAccountLockedError'])
  })

  it.each([
    [new AccountError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isAccountError']],
    [new SessionError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isSessionError']],
    [new ArgumentError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isArgumentError']],
    [new ServerError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isServerError']],
    [new NetworkError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isNetworkError']],
    [new TimeoutError('x', { code: 'c', operation: 'o' }), ['isShareError', 'isTimeoutError']],
    [new ShareError('x', { code: 'c', operation: 'o' }), ['isShareError']],
  ])('lets exactly the matching guards accept a %s', (error, expected) => {
    expect(matches(error)).toEqual(expected)
  })

  it('recognises an error from another copy of the SDK by its name, code and operation', () => {
    const copy = Object.assign(new Error('x'), {
      name: 'SessionError',
      code: 'SessionIdNotFound',
      operation: 'ReadPublisherLatestGlucoseValues',
    })
    expect(matches(copy)).toEqual(['isShareError', 'isSessionError'])
  })

  it("does not mistake the platform's TimeoutError or NetworkError for the SDK's", () => {
    expect(matches(new DOMException('signal timed out', 'TimeoutError'))).toEqual([])
    expect(matches(new DOMException('offline', 'NetworkError'))).toEqual([])
    expect(matches(new TypeError('fetch failed'))).toEqual([])
    expect(matches(undefined)).toEqual([])
    expect(matches('SessionError')).toEqual([])
  })
})

describe('clientError', () => {
  it.each(Object.keys(CLIENT_ERRORS) as ClientErrorCode[])(
    'builds %s in its family with a message naming operation and code',
    (code) => {
      const error = clientError(code, 'SomeOperation')
      expect(error).toBeInstanceOf(CLASS_OF[CLIENT_ERRORS[code].family])
      expect(error.code).toBe(code)
      expect(error.operation).toBe('SomeOperation')
      expect(error.message).toBe(`SomeOperation: ${CLIENT_ERRORS[code].message} (${code})`)
    },
  )

  it('appends a detail and keeps a cause', () => {
    const cause = new TypeError('fetch failed')
    const error = clientError('NetworkError', 'Op', { detail: 'while reading', cause })
    expect(error.message).toBe('Op: the server could not be reached: while reading (NetworkError)')
    expect(error.cause).toBe(cause)
  })
})

describe('fromWireFault', () => {
  it.each(['SessionIdNotFound', 'SessionNotValid'])('maps %s to a SessionError', (code) => {
    const error = fromWireFault('ReadPublisherLatestGlucoseValues', 500, fault(code))
    expect(error).toBeInstanceOf(SessionError)
    expect(error.code).toBe(code)
    expect(error.status).toBe(500)
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
  })

  it('maps a wrong password to an AccountError that hints at region and publisher credentials', () => {
    const error = fromWireFault(
      'AuthenticatePublisherAccount',
      500,
      fault('AccountPasswordInvalid', 'Publisher account password failed'),
    )
    expect(error).toBeInstanceOf(AccountError)
    expect(error).not.toBeInstanceOf(AccountLockedError)
    expect(error.code).toBe('AccountPasswordInvalid')
    expect(error.message).toMatch(
      /^AuthenticatePublisherAccount: Publisher account password failed/,
    )
    expect(error.message).toContain('region')
    expect(error.message).toContain('follower')
    expect(error.message).toMatch(/\(AccountPasswordInvalid\)$/)
  })

  it.each([
    'SSO_AuthenticateMaxAttemptsExceeed',
    'SSO_AuthenticateMaxAttemptsExceeded',
    'SSO_AuthenticateMaxAttemptsExceed',
  ])('maps the lockout code spelled %s to an AccountLockedError', (code) => {
    const error = fromWireFault('LoginPublisherAccountById', 500, fault(code))
    expect(error).toBeInstanceOf(AccountLockedError)
    expect(error.code).toBe(code)
    expect(isAccountError(error)).toBe(true)
  })

  it.each([
    'SSO_AuthenticatePasswordInvalid',
    'SSO_AuthenticateAccountNotFound',
    'SSO_InternalError',
  ])('maps the credential code %s to an AccountError', (code) => {
    expect(fromWireFault('LoginPublisherAccountByName', 500, fault(code))).toBeInstanceOf(
      AccountError,
    )
  })

  it('maps an unknown SSO_ code to an AccountError', () => {
    expect(
      fromWireFault('AuthenticatePublisherAccount', 500, fault('SSO_Whatever')),
    ).toBeInstanceOf(AccountError)
  })

  it.each(Object.keys(SHARE_FAULTS) as FaultCode[])(
    'maps %s to the class of its family, with the SDK message',
    (code) => {
      const error = fromWireFault('Op', 500, fault(code, 'server words'))
      const family = code === 'EndpointNotFound' ? 'server' : SHARE_FAULTS[code].family
      const expected = code.startsWith('SSO_AuthenticateMaxAttempts')
        ? AccountLockedError
        : CLASS_OF[family]
      expect(error).toBeInstanceOf(expected)
      expect(error.code).toBe(code)
      expect(error.serverMessage).toBe('server words')
      if (expected !== AccountLockedError) {
        expect(error.message).toContain(SHARE_FAULTS[code].message)
        expect(error.message).not.toContain('server words')
      }
    },
  )

  it('maps EndpointNotFound to a ServerError: the server lacks the operation', () => {
    const error = fromWireFault('ReadPublisherLatestGlucoseValues', 404, fault('EndpointNotFound'))
    expect(error).toBeInstanceOf(ServerError)
    expect(error.status).toBe(404)
  })

  it('maps an unknown code to a ServerError quoting the redacted server message', () => {
    const error = fromWireFault(
      'ReadPublisherLatestGlucoseValues',
      500,
      fault('NamedValueReadFailed', `Read failed. [SessionId = ${SESSION_ID.toUpperCase()}]`),
    )
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('NamedValueReadFailed')
    expect(error.message).toBe(
      'ReadPublisherLatestGlucoseValues: Read failed. [SessionId = [redacted]] (NamedValueReadFailed)',
    )
    expect(error.serverMessage).toBe('Read failed. [SessionId = [redacted]]')
  })

  it('blanks the secrets it is given and every UUID, hyphenated or not, out of server messages', () => {
    const bare = SESSION_ID.replace(/-/g, '')
    const error = fromWireFault(
      'LoginPublisherAccountById',
      500,
      fault('Strange', `pw=${PASSWORD} id=${SESSION_ID} raw=${bare}`),
      { secrets: [PASSWORD, undefined, ''] },
    )
    for (const text of [error.message, error.serverMessage ?? '']) {
      expect(text).not.toContain(PASSWORD)
      expect(text).not.toContain(SESSION_ID)
      expect(text).not.toContain(bare)
    }
    expect(error.serverMessage).toBe('pw=[redacted] id=[redacted] raw=[redacted]')
  })

  it('shortens a very long server message', () => {
    const error = fromWireFault('Op', 500, fault('Strange', 'x'.repeat(5000)))
    expect(error.serverMessage).toHaveLength(301)
    expect(error.serverMessage?.endsWith('…')).toBe(true)
  })

  it('falls back to a generic text when an unknown fault has no message', () => {
    const error = fromWireFault('Op', 500, { Code: 'Strange' })
    expect(error.message).toBe('Op: the server answered an unknown fault (Strange)')
    expect(error.serverMessage).toBeUndefined()
  })

  it.each([
    [
      400,
      'The server encountered an error processing the request. See server logs for more details.',
    ],
    [503, '<html>Service Unavailable</html>'],
    [500, undefined],
    [429, { error: 'slow down' }],
  ])('maps HTTP %i without a fault envelope to a ServerError coded HttpError', (status, body) => {
    const error = fromWireFault('ReadPublisherLatestGlucoseValues', status, body)
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('HttpError')
    expect(error.status).toBe(status)
    expect(error.message).toBe(
      `ReadPublisherLatestGlucoseValues: ${CLIENT_ERRORS.HttpError.message}: HTTP ${status} (HttpError)`,
    )
  })

  it('maps InvalidArgument to an ArgumentError', () => {
    const error = fromWireFault('AuthenticatePublisherAccount', 500, fault('InvalidArgument'))
    expect(error).toBeInstanceOf(ArgumentError)
    expect(isArgumentError(error)).toBe(true)
  })
})
