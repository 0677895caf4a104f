import { StoreUnavailableError } from '../store/store.js'
import { ShareFault } from './share-fault.js'

/** Seconds a client is told to wait (`Retry-After`) when the database cannot be reached. */
export const RETRY_AFTER_SECONDS = 5

const JSON_TYPE = 'application/json; charset=utf-8'

/** What the transport writes back: a status, a body, and the headers that go with it. */
export interface ShareAnswer {
  readonly status: number
  /** Absent for an empty body. */
  readonly contentType?: string
  readonly body: string | Buffer
  readonly retryAfterSeconds?: number
}

/** A JSON answer with status 200. */
export function jsonAnswer(json: string): ShareAnswer {
  return { status: 200, contentType: JSON_TYPE, body: json }
}

/** The fault envelope a failed request answers with. */
export function faultAnswer(fault: ShareFault, now: number): ShareAnswer {
  return {
    status: fault.status,
    contentType: JSON_TYPE,
    body: JSON.stringify(fault.toWire(now)),
    ...(fault.code === 'ServiceUnavailable' ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}),
  }
}

/**
The fault an error answers with. Anything that is not a fault or a known transport error is an
`InternalError`, whose message says nothing of the cause.
*/
export function toFault(error: unknown): ShareFault {
  if (error instanceof ShareFault) return error
  // The database is down or unreachable: a 503 tells clients to come back later (spec 5.3), and
  // the message says nothing of the database.
  if (error instanceof StoreUnavailableError)
    return new ShareFault('ServiceUnavailable', undefined, 503)
  const code = (error as { code?: unknown }).code
  const status = (error as { statusCode?: unknown }).statusCode
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return payloadTooLarge()
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ShareFault('InvalidArgument', 'The request could not be read.', status)
  }
  return new ShareFault('InternalError')
}

/** HTTP 413: the body is over the server's limit. */
export function payloadTooLarge(): ShareFault {
  return new ShareFault('PayloadTooLarge', 'The request body is too large.', 413)
}
