import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import { Type } from '@sinclair/typebox'
import { DEXCOM_SERVICES_PATH, type FaultCode } from '@glucoshare/sdk'
import { startTestServer, type TestServer } from '../test-support.js'
import { operations } from '../operations/index.js'
import { defineOperation, type Operation } from '../share/operation.js'
import { operationPath } from '../share/compiled-operation.js'
import { ShareRouter } from '../share/share-router.js'
import { shareRouterOf } from '../app.js'
import { buildOpenApiDocument } from './openapi-document.js'

type Json = Record<string, unknown>

interface OpenApiOperation {
  operationId: string
  parameters: { name: string; in: string; required: boolean; schema: Json }[]
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> }
  responses: Record<string, { content?: Record<string, { schema: Json }> }>
}

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OpenApiOperation>>
}

const SERVICES_PREFIX = `${DEXCOM_SERVICES_PATH}/`.toLowerCase()
const SESSION_FAULTS: readonly FaultCode[] = ['SessionIdNotFound', 'SessionNotValid']
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/** An app's routes: the Share operations its listener answers, and fastify's own routes. */
interface Served {
  readonly fastify: FastifyInstance
  readonly share: ShareRouter
}

/**
Every route served, as lower-cased path → methods: the Share router's, and fastify's read from
`printRoutes()`. fastify prints a tree whose lines hold a path segment and, for routes,
`(METHODS)`; each level of indentation is four characters. HEAD is dropped where fastify added
it beside GET.
*/
function servedRoutes({ fastify, share }: Served): Map<string, Set<string>> {
  const routes = fastifyRoutes(fastify)
  for (const [path, methods] of share.routes()) {
    const known = routes.get(path) ?? new Set<string>()
    for (const method of methods) known.add(method)
    routes.set(path, known)
  }
  return routes
}

function fastifyRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const routes = new Map<string, Set<string>>()
  const parents: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line)
    if (!match) continue
    const depth = (match[1] ?? '').length / 4
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '')
    parents.length = depth
    parents.push(path)
    if (!match[3]) continue
    const methods = new Set(match[3].split(', '))
    if (methods.has('GET')) methods.delete('HEAD')
    const known = routes.get(path.toLowerCase()) ?? new Set<string>()
    for (const method of methods) known.add(method)
    routes.set(path.toLowerCase(), known)
  }
  return routes
}

/**
The routes under `/ShareWebServices/Services/` that `app` serves but `document` does not describe,
as `METHOD /path` (path lower-cased, as the case-insensitive router reports it).
*/
function undocumentedRoutes(app: Served, document: OpenApiDocument): string[] {
  const documented = new Set<string>()
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) {
      if (HTTP_METHODS.includes(method))
        documented.add(`${method.toUpperCase()} ${path.toLowerCase()}`)
    }
  }
  const missing: string[] = []
  for (const [path, methods] of servedRoutes(app)) {
    if (!path.startsWith(SERVICES_PREFIX)) continue
    for (const method of methods) {
      if (!documented.has(`${method} ${path}`)) missing.push(`${method} ${path}`)
    }
  }
  return missing.sort()
}

/** The documented operations under the services path, as `[method, path, operation]`. */
function documentedShareOperations(
  document: OpenApiDocument,
): [method: string, path: string, operation: OpenApiOperation][] {
  return Object.entries(document.paths)
    .filter(([path]) => path.toLowerCase().startsWith(SERVICES_PREFIX))
    .flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(
          ([method, operation]) => [method, path, operation] as [string, string, OpenApiOperation],
        ),
    )
}

function faultEnum(operation: OpenApiOperation | undefined): unknown {
  const schema = operation?.responses['500']?.content?.['application/json']?.schema
  return ((schema?.['properties'] as Json | undefined)?.['Code'] as Json | undefined)?.['enum']
}

let server: TestServer
let served: Served
let document: OpenApiDocument

beforeAll(async () => {
  server = await startTestServer()
  served = { fastify: server.app, share: shareRouterOf(server.app) }
  const response = await server.app.inject({ method: 'GET', url: '/openapi.json' })
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  document = JSON.parse(response.body) as OpenApiDocument
})

afterAll(async () => {
  await server.close()
})

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1.0 document built from the operation list', () => {
    expect(document.openapi).toBe('3.1.0')
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(operations))))
  })

  it('describes every route the app serves under /ShareWebServices/Services/, with each method', () => {
    const routes = [...servedRoutes(served)].filter(([path]) => path.startsWith(SERVICES_PREFIX))
    // The listing found every registered method (and the live stream's GET), so an empty
    // answer below means something.
    expect(routes.reduce((n, [, methods]) => n + methods.size, 0)).toBe(
      operations.reduce((n, operation) => n + operation.methods.length, 0) + 1,
    )
    expect(undocumentedRoutes(served, document)).toEqual([])
  })

  it('describes only routes the app serves', () => {
    const documented = documentedShareOperations(document)
    expect(documented.length).toBeGreaterThan(0)
    for (const [method, path] of documented) {
      expect({
        method,
        path,
        served:
          served.share.match(method.toUpperCase(), path) !== undefined ||
          server.app.hasRoute({ method: method.toUpperCase() as 'GET', url: path }),
      }).toEqual({ method, path, served: true })
    }
  })

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([, operation]) => operation.operationId),
    )
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index)
    expect(repeated).toEqual([])
    // The first method of each operation keeps the plain `Area_Name` id clients generate from.
    for (const operation of operations) {
      const first = (operation.methods[0] ?? 'POST').toLowerCase()
      expect(document.paths[operationPath(operation)]?.[first]?.operationId).toBe(
        `${operation.area}_${operation.name}`,
      )
    }
  })

  describe.each(
    operations.map((operation) => [`${operation.area}/${operation.name}`, operation] as const),
  )('%s', (_title, operation: Operation) => {
    const path = operationPath(operation)
    const sessionFaults = operation.auth === 'none' ? [] : SESSION_FAULTS
    const expectedFaults = [...new Set([...sessionFaults, ...operation.faults])]

    it.each(operation.methods.map((method) => method.toLowerCase()))(
      'documents its %s method with the 200 answer, its faults and its query parameters',
      (method) => {
        const documented = document.paths[path]?.[method]
        expect(documented).toBeDefined()
        expect(documented?.responses['200']).toBeDefined()

        if (expectedFaults.length > 0) {
          const codes = faultEnum(documented)
          expect(codes).toEqual(expect.arrayContaining(expectedFaults))
        } else {
          expect(documented?.responses['500']).toBeUndefined()
        }

        const required = new Set(operation.params.required ?? [])
        expect(
          (documented?.parameters ?? []).map((p) => ({
            name: p.name,
            in: p.in,
            required: p.required,
          })),
        ).toEqual(
          Object.keys(operation.params.properties).map((name) => ({
            name,
            in: 'query',
            required: required.has(name),
          })),
        )
      },
    )
  })

  it('documents PostReceiverEgvRecords with a required JSON request body holding SN and Egvs', () => {
    const post =
      document.paths[`${DEXCOM_SERVICES_PATH}/Publisher/PostReceiverEgvRecords`]?.['post']
    expect(post?.requestBody?.required).toBe(true)
    const schema = post?.requestBody?.content['application/json']?.schema
    expect(schema?.['type']).toBe('object')
    expect(schema?.['required']).toEqual(expect.arrayContaining(['SN', 'Egvs']))
    expect(Object.keys((schema?.['properties'] as Json | undefined) ?? {})).toEqual(
      expect.arrayContaining(['SN', 'Egvs', 'TA']),
    )
    expect(faultEnum(post)).toEqual(
      expect.arrayContaining([
        'SessionIdNotFound',
        'SessionNotValid',
        'MonitoringSessionNotActive',
        'MonitoredReceiverNotAssigned',
        'MonitoredReceiverSerialNumberDoesNotMatch',
        'SerialNumberAssignedToSomeoneElse',
        'DuplicateEgvPosted',
        'FutureEgvPosted',
        'InvalidArgument',
      ]),
    )
  })

  it('documents the sessionId, minutes and maxCount parameters of ReadPublisherLatestGlucoseValues', () => {
    const item =
      document.paths[`${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherLatestGlucoseValues`]
    for (const method of ['get', 'post']) {
      expect(item?.[method]?.parameters.map((p) => [p.name, p.required])).toEqual([
        ['sessionId', true],
        ['minutes', true],
        ['maxCount', true],
      ])
    }
  })
})

describe('the completeness check', () => {
  const extra = defineOperation({
    area: 'Publisher',
    name: 'UndocumentedExtra',
    methods: ['POST'],
    summary: 'An operation the document was not built with',
    auth: 'none',
    params: Type.Object({}),
    response: { kind: 'empty' },
    faults: [],
    async handle() {},
  })

  async function appWithExtraRoutes(): Promise<{
    app: FastifyInstance
    served: Served
    registered: RouteOptions[]
  }> {
    const app = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } })
    const registered: RouteOptions[] = []
    app.addHook('onRoute', (route) => {
      registered.push(route)
    })
    app.get(`${DEXCOM_SERVICES_PATH}/Subscriber/HandWritten`, async () => '')
    app.get(`${DEXCOM_SERVICES_PATH}/Publisher/PostReceiverEgvRecords/Debug`, async () => '')
    await app.ready()
    return {
      app,
      served: { fastify: app, share: new ShareRouter([...operations, extra]) },
      registered,
    }
  }

  it('reads the same routes from fastify as it registered (onRoute)', async () => {
    const { app, registered } = await appWithExtraRoutes()
    try {
      const fromHook = new Map<string, Set<string>>()
      for (const route of registered) {
        const methods = Array.isArray(route.method) ? route.method : [route.method]
        const known = fromHook.get(route.url.toLowerCase()) ?? new Set<string>()
        for (const method of methods) known.add(method)
        fromHook.set(route.url.toLowerCase(), known)
      }
      for (const methods of fromHook.values()) if (methods.has('GET')) methods.delete('HEAD')
      expect(fastifyRoutes(app)).toEqual(fromHook)
    } finally {
      await app.close()
    }
  })

  it('reports routes registered beside the documented operations', async () => {
    const { app, served: extraServed } = await appWithExtraRoutes()
    try {
      expect(undocumentedRoutes(extraServed, document)).toEqual([
        'GET /sharewebservices/services/publisher/postreceiveregvrecords/debug',
        'GET /sharewebservices/services/subscriber/handwritten',
        'POST /sharewebservices/services/publisher/undocumentedextra',
      ])
    } finally {
      await app.close()
    }
  })

  it('reports a method the document lacks on a documented path', async () => {
    const app = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } })
    try {
      app.put(`${DEXCOM_SERVICES_PATH}/Publisher/PostReceiverEgvRecords`, async () => '')
      await app.ready()
      expect(
        undocumentedRoutes({ fastify: app, share: shareRouterOf(server.app) }, document),
      ).toEqual(['PUT /sharewebservices/services/publisher/postreceiveregvrecords'])
    } finally {
      await app.close()
    }
  })
})
