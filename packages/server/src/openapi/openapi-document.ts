import { FOLLOWER_STREAM_PATH } from '../alerting/follower-stream-route.js'
import { SHARE_FAULTS, type FaultCode } from '@glucoshare/sdk'
import type { TSchema } from '@sinclair/typebox'
import type { Operation } from '../share/operation.js'
import { operationPath } from '../share/compiled-operation.js'

type Json = Record<string, unknown>

const SESSION_FAULTS: readonly FaultCode[] = ['SessionIdNotFound', 'SessionNotValid']

const faultSchema = {
  type: 'object',
  required: ['Code', 'Message', 'SubCode', 'TypeName'],
  properties: {
    Code: { type: 'string', description: 'Fault code; clients branch on it.' },
    Message: {
      type: 'string',
      description: 'Human-readable text; never holds a session id or password.',
    },
    SubCode: { type: 'string', description: 'A serialised OnlineException document (JSON).' },
    TypeName: { const: 'FaultException' },
  },
}

// TypeBox schemas are JSON Schema already; a round trip drops TypeBox's symbol keys.
function plain(schema: TSchema | Json): Json {
  return JSON.parse(JSON.stringify(schema)) as Json
}

function faultResponse(description: string, codes: readonly FaultCode[]): Json {
  const schema = plain(faultSchema)
  ;(schema['properties'] as Json)['Code'] = { type: 'string', enum: [...new Set(codes)] }
  return { description, content: { 'application/json': { schema } } }
}

function successResponse(operation: Operation): Json {
  const { response } = operation
  switch (response.kind) {
    case 'empty':
      return { description: 'Success: HTTP 200 with an empty body.' }
    case 'bytes':
      return {
        description: 'Raw bytes (empty when there are none).',
        content: { [response.contentType]: { schema: { type: 'string', format: 'binary' } } },
      }
    case 'json':
      return {
        description: 'Success: bare JSON.',
        content: { 'application/json': { schema: plain(response.schema) } },
      }
  }
}

function parameters(operation: Operation): Json[] {
  const required = new Set(operation.params.required ?? [])
  return Object.entries(operation.params.properties).map(([name, schema]) => {
    const described = plain(schema)
    const description =
      typeof described['description'] === 'string' ? described['description'] : undefined
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: described,
    }
  })
}

function requestBody(operation: Operation): Json | undefined {
  if (operation.body) {
    return { required: true, content: { 'application/json': { schema: plain(operation.body) } } }
  }
  if (Object.keys(operation.params.properties).length === 0) return undefined
  return {
    required: false,
    description:
      'The same parameters may instead travel as a JSON object body (names matched without regard to case). The body may also be empty, `{}` or `""`, with any Content-Type.',
    content: { 'application/json': { schema: plain(operation.params) } },
  }
}

/**
`Area_Name` for the operation's first method; `Area_Name_get` etc. for the others, as OpenAPI
requires every operationId to be unique and some operations answer both GET and POST.
*/
function operationId(operation: Operation, method: Operation['methods'][number]): string {
  const id = `${operation.area}_${operation.name}`
  return method === operation.methods[0] ? id : `${id}_${method.toLowerCase()}`
}

function operationObject(operation: Operation, method: Operation['methods'][number]): Json {
  const faults = [...(operation.auth === 'none' ? [] : SESSION_FAULTS), ...operation.faults]
  const responses: Json = { '200': successResponse(operation) }
  if (operation.auth !== 'none' || operation.body) {
    responses['400'] = faultResponse(
      'Malformed or missing session id, or a body that is not JSON.',
      ['InvalidArgument'],
    )
  }
  if (faults.length > 0) {
    responses['500'] = faultResponse(
      faults.map((code) => `\`${code}\`: ${SHARE_FAULTS[code].message}`).join('\n\n'),
      faults,
    )
  }
  if (operation.body)
    responses['413'] = faultResponse('The body exceeds the size limit.', ['PayloadTooLarge'])
  responses['503'] = faultResponse(
    'The service cannot answer now: the database cannot be reached, the server is shutting down, or (publisher changes to a contact) the contact kept changing during the request. Send the same request again after `Retry-After` seconds.',
    ['ServiceUnavailable'],
  )
  const body = requestBody(operation)
  return {
    operationId: operationId(operation, method),
    tags: [operation.extension ? 'glucoshare extensions' : operation.area],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    parameters: parameters(operation),
    ...(body ? { requestBody: body } : {}),
    responses,
    ...(operation.extension ? { 'x-glucoshare-extension': true } : {}),
  }
}

/** The OpenAPI 3.1 document of every operation, built from the schemas the server validates with. */
export function buildOpenApiDocument(operations: readonly Operation[]): Json {
  const paths: Json = {}
  for (const operation of operations) {
    const item: Json = {}
    for (const method of operation.methods) {
      item[method.toLowerCase()] = operationObject(operation, method)
    }
    paths[operationPath(operation)] = item
  }
  paths[FOLLOWER_STREAM_PATH] = {
    get: {
      operationId: 'Subscriber_StreamEvents',
      tags: ['glucoshare extensions'],
      summary: "The follower's live stream of readings and alert events (Server-Sent Events)",
      description:
        'Opens a `text/event-stream`. It starts with `event: ready`, then sends `event: reading` (`{"SubscriptionId","Egv"}`, an EGV as the read operations answer it) for each upload of a publisher who shares with the follower now, and `event: alert` (`{"id","type","subscriptionId","publisher","alert"}`, the same JSON the webhooks receive, with the event id as the SSE `id`) for each alert event. Readings and alerts raised on any server instance arrive (PostgreSQL LISTEN/NOTIFY). A comment line every 25 s keeps the connection open. The stream ends when the session expires (log in again and reconnect); a follower may hold 10 streams at once.',
      'x-glucoshare-extension': true,
      parameters: [
        {
          name: 'sessionId',
          in: 'query',
          required: true,
          schema: { type: 'string', format: 'uuid' },
          description: 'A follower session id.',
        },
      ],
      responses: {
        '200': {
          description: 'The event stream.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        '400': { description: 'The session id is missing or not a UUID.' },
        '429': faultResponse('The follower already has 10 streams open.', ['InvalidArgument']),
        '500': faultResponse('A session fault.', ['SessionIdNotFound', 'SessionNotValid']),
      },
    },
  }
  paths['/health'] = {
    get: {
      operationId: 'health',
      tags: ['glucoshare extensions'],
      summary: 'Liveness and storage check',
      responses: {
        '200': { description: 'The server and its store answer: `{"status":"ok"}`.' },
        '503': faultResponse('The database cannot be reached.', ['ServiceUnavailable']),
      },
    },
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dexcom Share web services (glucoshare)',
      version: '1.0.0',
      description:
        "The Share API as glucoshare serves it, wire-compatible with Dexcom's ShareWebServices. Every operation answers POST (and GET where noted); parameters travel in the query string or a JSON body, with names matched without regard to case. Faults are HTTP 500 with the FaultException envelope.",
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'General', description: 'Logins and service information.' },
      {
        name: 'Publisher',
        description: 'The publisher (uploader) side, with a publisher session.',
      },
      {
        name: 'Subscriber',
        description: 'The follower side, with a follower session (General/LoginSubscriberAccount).',
      },
      { name: 'glucoshare extensions', description: "Operations Dexcom's service does not have." },
    ],
    paths,
  }
}
