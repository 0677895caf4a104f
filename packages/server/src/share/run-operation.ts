import { normalizeUuid } from '@glucoshare/sdk'
import type { Services } from '../services.js'
import { checkSession, requireSession } from '../auth/sessions.js'
import { RawJson, type Bytes, type Operation } from './operation.js'
import type { CompiledOperation } from './compiled-operation.js'
import {
  bodyFieldsOf,
  parseBody,
  parseQuery,
  readParam,
  type RequestInput,
} from './request-input.js'
import { invalidArgument } from './share-fault.js'
import { jsonAnswer, type ShareAnswer } from './share-answer.js'

/** A request as the Share transport sees it, whichever HTTP layer received it. */
export interface ShareRequest {
  /** Path and query string. */
  readonly url: string
  readonly contentType: string | undefined
  /** The body as received; `undefined` when there was none (or the method has none). */
  readonly body: Buffer | undefined
}

const EMPTY = ''

/**
Runs one Share operation: reads its parameters from the query string or body, checks the session
and the input, calls the handler and shapes its answer. Faults are thrown, for the caller to
render (`faultAnswer`).
*/
export async function runOperation(
  compiled: CompiledOperation,
  services: Services,
  request: ShareRequest,
): Promise<ShareAnswer> {
  const { operation } = compiled
  const { contentType } = request
  const rawBody = request.body
  const body = parseOperationBody(operation, rawBody, contentType)
  const input: RequestInput = {
    query: parseQuery(request.url),
    body,
    bodyFields: bodyFieldsOf(body),
  }

  const kind = operation.auth === 'none' ? undefined : operation.auth
  const sessionId = kind && sessionIdOf(input)
  const { withSession } = operation
  let session =
    kind && sessionId && !withSession
      ? await requireSession(services.store, services.clock, sessionId, kind)
      : undefined

  const params: Record<string, unknown> = {}
  for (const name of compiled.paramNames) {
    const value = readParam(input, name)
    if (value !== undefined) params[name] = value
  }
  let operationBody: unknown
  try {
    compiled.checkParams(params)
    if (compiled.checkBody) {
      if (body === undefined) throw invalidArgument('The request body is required.')
      compiled.checkBody(body)
      operationBody = body
    }
  } catch (error) {
    // Session faults come first, also for operations that find their session later.
    if (kind && sessionId && withSession) {
      await requireSession(services.store, services.clock, sessionId, kind)
    }
    throw error
  }
  let preloaded: unknown
  if (kind && sessionId && withSession) {
    const found = await withSession({ sessionId, params, services })
    session = checkSession(found.session, services.clock, kind)
    preloaded = found.data
  }

  const result = await operation.handle({
    params,
    body: operationBody,
    session,
    services,
    rawBody,
    contentType,
    preloaded,
  } as Parameters<Operation['handle']>[0])
  return answerOf(operation, result)
}

/** Parses the body; for operations taking raw bytes, a body that is not JSON is left to the handler. */
function parseOperationBody(
  operation: Operation,
  rawBody: Buffer | undefined,
  contentType: string | undefined,
): unknown {
  try {
    return parseBody(rawBody, contentType)
  } catch (error) {
    if (operation.binaryBody) return undefined
    throw error
  }
}

/** The session id of a request, lower-cased; HTTP 400 when it is missing or not a UUID, as Share answers. */
export function sessionIdOf(input: RequestInput): string {
  const raw = readParam(input, 'sessionId')
  const id = normalizeUuid(typeof raw === 'string' ? raw.trim() : raw)
  if (!id) {
    throw invalidArgument(
      raw === undefined ? 'sessionId is required.' : 'sessionId is not a valid UUID.',
      400,
    )
  }
  return id
}

function answerOf(operation: Operation, result: unknown): ShareAnswer {
  switch (operation.response.kind) {
    case 'empty':
      // Share answers void operations with 200 and no body; uploaders test for exactly that.
      return { status: 200, body: EMPTY }
    case 'bytes': {
      const bytes = result as Bytes
      return { status: 200, contentType: bytes.contentType, body: Buffer.from(bytes.data) }
    }
    case 'json':
      return jsonAnswer(result instanceof RawJson ? result.json : JSON.stringify(result))
  }
}
