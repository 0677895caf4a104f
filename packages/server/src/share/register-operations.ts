import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DEXCOM_SERVICES_PATH, normalizeUuid } from '@glucoshare/sdk'
import type { Services } from '../services.js'
import { checkSession, requireSession } from '../auth/sessions.js'
import { RawJson, type Bytes, type Operation } from './operation.js'
import {
  bodyFieldsOf,
  parseBody,
  parseQuery,
  readParam,
  type RequestInput,
} from './request-input.js'
import { invalidArgument } from './share-fault.js'
import { compileValidator, type Validator } from './validate.js'

/** The URL path of an operation. */
export function operationPath(operation: Pick<Operation, 'area' | 'name'>): string {
  return `${DEXCOM_SERVICES_PATH}/${operation.area}/${operation.name}`
}

interface Compiled {
  readonly operation: Operation
  readonly paramNames: readonly string[]
  readonly checkParams: Validator
  readonly checkBody: Validator | undefined
}

function compile(operation: Operation): Compiled {
  const paramNames = Object.keys(operation.params.properties).filter((n) => n !== 'sessionId')
  const { sessionId: _omit, ...rest } = operation.params.properties
  const required = (operation.params.required ?? []).filter((n) => n !== 'sessionId')
  const paramSchema = { ...operation.params, properties: rest, required }
  return {
    operation,
    paramNames,
    checkParams: compileValidator(paramSchema, 'parameters'),
    checkBody: operation.body ? compileValidator(operation.body, 'request body') : undefined,
  }
}

/** Registers every operation as a fastify route speaking Share's transport conventions. */
export function registerOperations(
  app: FastifyInstance,
  operations: readonly Operation[],
  services: Services,
): void {
  for (const operation of operations) {
    const compiled = compile(operation)
    app.route({
      method: [...operation.methods],
      url: operationPath(operation),
      handler: (request, reply) => run(compiled, services, request, reply),
    })
  }
}

async function run(
  compiled: Compiled,
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { operation } = compiled
  const contentType = request.headers['content-type']
  const rawBody = Buffer.isBuffer(request.body) ? request.body : undefined
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
  return send(operation, reply, result)
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

/** Reads and checks the session id; a missing or non-UUID id is HTTP 400, as Share answers. */
/** The session id of a request, lower-cased; HTTP 400 when it is missing or not a UUID. */
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

function send(operation: Operation, reply: FastifyReply, result: unknown): FastifyReply {
  switch (operation.response.kind) {
    case 'empty':
      // Share answers void operations with 200 and no body; uploaders test for exactly that.
      return reply.code(200).header('content-length', '0').send()
    case 'bytes': {
      const bytes = result as Bytes
      return reply.code(200).type(bytes.contentType).send(Buffer.from(bytes.data))
    }
    case 'json': {
      const json = result instanceof RawJson ? result.json : JSON.stringify(result)
      return reply.code(200).type('application/json; charset=utf-8').send(json)
    }
  }
}
