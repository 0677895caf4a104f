import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { egvBody, startTestServer, type TestServer } from '../test-support.js'
import { operations } from '../operations/index.js'
import { operationPath } from './compiled-operation.js'

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | number | undefined>
  readonly text: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Checks a fault response is Share's envelope and that its SubCode is an OnlineException document. */
function expectFault(answer: Answer, code: string, status: number): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.headers['content-type']).toMatch(/^application\/json/)
  const body = JSON.parse(answer.text) as Record<string, unknown>
  expect(Object.keys(body).sort()).toEqual(['Code', 'Message', 'SubCode', 'TypeName'])
  expect(body['Code']).toBe(code)
  expect(body['TypeName']).toBe('FaultException')
  expect(typeof body['Message']).toBe('string')
  expect(typeof body['SubCode']).toBe('string')
  const subCode = JSON.parse(body['SubCode'] as string) as Record<string, Record<string, unknown>>
  const exception = subCode['OnlineException']
  expect(exception).toBeTypeOf('object')
  expect(exception?.['ErrorCode']).toBe(code)
  expect(exception?.['Message']).toBe(body['Message'])
  expect(String(exception?.['Id'])).toMatch(UUID)
  for (const member of ['Type', 'Category', 'Severity']) {
    expect(exception?.[member]).toBeTypeOf('number')
  }
  return body
}

describe('Share transport conventions', () => {
  let server: TestServer
  let sessionId: string
  let serial: string

  beforeEach(async () => {
    server = await startTestServer()
    ;({ sessionId, serial } = await server.uploader())
    const posted = await server.call('Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: egvBody(serial, server.clock.now(), [
        { minutesAgo: 0, value: 140 },
        { minutesAgo: 5, value: 135 },
      ]),
    })
    expect(posted.status, posted.text).toBe(200)
  })
  afterEach(async () => {
    await server.close()
  })

  /** Sends a request with exactly the given headers and payload. */
  async function send(options: {
    method?: 'GET' | 'POST' | 'PUT'
    path: string
    headers?: Record<string, string>
    payload?: string | Buffer
  }): Promise<Answer> {
    const response = await server.app.inject({
      method: options.method ?? 'POST',
      url: options.path,
      headers: options.headers ?? {},
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    })
    return { status: response.statusCode, headers: response.headers, text: response.body }
  }

  const op = (name: string, query = '') => `${DEXCOM_SERVICES_PATH}/${name}${query}`
  const values = (text: string) => (JSON.parse(text) as { Value: number }[]).map((r) => r.Value)

  describe('session id parameter', () => {
    it.each(['sessionId', 'sessionID', 'SESSIONID', 'sessionid'])(
      'accepts the name %s in the query string',
      async (name) => {
        const read = await send({
          path: op(
            'Publisher/ReadPublisherLatestGlucoseValues',
            `?${name}=${sessionId}&minutes=60&maxCount=5`,
          ),
        })
        expect(read.status, read.text).toBe(200)
        expect(values(read.text)).toEqual([140, 135])
        const active = await send({
          path: op('Publisher/IsRemoteMonitoringSessionActive', `?${name}=${sessionId}`),
        })
        expect(active.text).toBe('true')
      },
    )

    it('reads every parameter from a JSON body, as TGV and ADSA send them', async () => {
      const read = await send({
        path: op('Publisher/ReadPublisherLatestGlucoseValues'),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ sessionId, minutes: 60, maxCount: 1 }),
      })
      expect(read.status, read.text).toBe(200)
      expect(values(read.text)).toEqual([140])
      const active = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive'),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ SessionID: sessionId }),
      })
      expect(active.text).toBe('true')
    })

    it('accepts numbers sent as JSON strings in the body', async () => {
      const read = await send({
        path: op('Publisher/ReadPublisherLatestGlucoseValues'),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ sessionID: sessionId, minutes: '60', maxCount: '2' }),
      })
      expect(values(read.text)).toEqual([140, 135])
    })

    it('reads parameters from a form-encoded body', async () => {
      const read = await send({
        path: op('Publisher/ReadPublisherLatestGlucoseValues'),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `sessionID=${sessionId}&minutes=60&maxCount=1`,
      })
      expect(read.status, read.text).toBe(200)
      expect(values(read.text)).toEqual([140])
    })

    it('accepts a session id in upper case and with surrounding spaces', async () => {
      const active = await send({
        path: op(
          'Publisher/IsRemoteMonitoringSessionActive',
          `?sessionId=${encodeURIComponent(` ${sessionId.toUpperCase()} `)}`,
        ),
      })
      expect(active.text).toBe('true')
    })

    it('answers HTTP 400 for a missing or malformed session id', async () => {
      const missing = await send({ path: op('Publisher/IsRemoteMonitoringSessionActive') })
      expect(expectFault(missing, 'InvalidArgument', 400)['Message']).toContain('sessionId')
      for (const bad of ['bad', '00000000000000000000000000000000', `${sessionId}x`]) {
        const result = await send({
          path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${bad}`),
        })
        expectFault(result, 'InvalidArgument', 400)
        expect(result.text).not.toContain(bad)
      }
    })

    it('answers SessionIdNotFound for a well-formed unknown session id, without echoing it', async () => {
      const unknown = randomUUID()
      const result = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${unknown}`),
      })
      expectFault(result, 'SessionIdNotFound', 500)
      expect(result.text).not.toContain(unknown)
    })
  })

  describe('bodies of parameter-only calls', () => {
    const bodies: [string, string | undefined, Record<string, string>][] = [
      ['absent', undefined, {}],
      ['empty with Content-Length 0', '', { 'content-length': '0' }],
      ['{}', '{}', {}],
      ['""', '""', {}],
      ['whitespace', '  \n', {}],
      ['null', 'null', {}],
    ]
    const contentTypes: (string | undefined)[] = [
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      undefined,
    ]
    const cases = bodies.flatMap(([label, payload, headers]) =>
      contentTypes.map(
        (contentType) =>
          [label, contentType ?? 'no Content-Type', payload, headers, contentType] as const,
      ),
    )

    it.each(cases)(
      'accepts a body that is %s with %s',
      async (_label, _typeLabel, payload, headers, contentType) => {
        const allHeaders = { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }
        const read = await send({
          path: op(
            'Publisher/ReadPublisherLatestGlucoseValues',
            `?sessionID=${sessionId}&minutes=60&maxCount=1`,
          ),
          headers: allHeaders,
          ...(payload === undefined ? {} : { payload }),
        })
        expect(read.status, read.text).toBe(200)
        expect(values(read.text)).toEqual([140])
        const active = await send({
          path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${sessionId}`),
          headers: allHeaders,
          ...(payload === undefined ? {} : { payload }),
        })
        expect(active.status, active.text).toBe(200)
        expect(active.text).toBe('true')
      },
    )

    it('accepts a JSON body with a byte-order mark', async () => {
      const active = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive'),
        headers: { 'content-type': 'application/json' },
        payload: `\uFEFF${JSON.stringify({ sessionId })}`,
      })
      expect(active.text).toBe('true')
    })

    it('ignores unknown query parameters and body keys', async () => {
      const read = await send({
        path: op(
          'Publisher/ReadPublisherLatestGlucoseValues',
          `?sessionId=${sessionId}&minutes=60&maxCount=1&applicationId=${randomUUID()}&foo=bar`,
        ),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ unknownKey: 1, nested: { deep: [1, 2] }, direction: 'Flat' }),
      })
      expect(read.status, read.text).toBe(200)
      expect(values(read.text)).toEqual([140])
    })

    it('takes the query string value when a parameter is in both the query and the body', async () => {
      const read = await send({
        path: op(
          'Publisher/ReadPublisherLatestGlucoseValues',
          `?sessionId=${sessionId}&maxCount=1`,
        ),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ maxCount: 2, minutes: 60 }),
      })
      expect(values(read.text)).toEqual([140])
    })

    it('uses the query parameters when the body is a JSON array', async () => {
      const read = await send({
        path: op(
          'Publisher/ReadPublisherLatestGlucoseValues',
          `?sessionId=${sessionId}&minutes=60&maxCount=1`,
        ),
        headers: { 'content-type': 'application/json' },
        payload: '[1, 2]',
      })
      expect(values(read.text)).toEqual([140])
    })
  })

  describe('paths and methods', () => {
    it('matches the path without regard to letter case', async () => {
      const result = await send({
        path: `/sharewebservices/services/publisher/isremotemonitoringsessionactive?sessionid=${sessionId}`,
      })
      expect(result.status, result.text).toBe(200)
      expect(result.text).toBe('true')
      const shouting = await send({
        path: `/SHAREWEBSERVICES/SERVICES/PUBLISHER/READPUBLISHERLATESTGLUCOSEVALUES?SESSIONID=${sessionId}&MINUTES=60&MAXCOUNT=1`,
      })
      expect(values(shouting.text)).toEqual([140])
    })

    it('tolerates a trailing slash', async () => {
      const result = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive/', `?sessionId=${sessionId}`),
      })
      expect(result.status, result.text).toBe(200)
      expect(result.text).toBe('true')
    })

    it('answers GET on an operation that allows it', async () => {
      const read = await send({
        method: 'GET',
        path: op(
          'Publisher/ReadPublisherLatestGlucoseValues',
          `?sessionId=${sessionId}&minutes=60&maxCount=2`,
        ),
      })
      expect(read.status, read.text).toBe(200)
      expect(read.headers['content-type']).toMatch(/^application\/json/)
      expect(values(read.text)).toEqual([140, 135])
      const time = await send({ method: 'GET', path: op('General/SystemUtcTime') })
      expect(time.status).toBe(200)
    })

    it('answers the EndpointNotFound envelope with 404 for an unknown operation, area or path', async () => {
      for (const path of [
        op('Publisher/NoSuchOperation'),
        op('Elsewhere/ReadPublisherLatestGlucoseValues'),
        '/ShareWebServices/Services',
        '/',
      ]) {
        expectFault(await send({ path }), 'EndpointNotFound', 404)
      }
    })

    it('answers the EndpointNotFound envelope for a method the operation does not take', async () => {
      const result = await send({
        method: 'PUT',
        path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${sessionId}`),
      })
      expectFault(result, 'EndpointNotFound', 404)
    })
  })

  describe('malformed and oversized requests', () => {
    it.each(['{"sessionId": ', '{sessionId: 1}', 'not json at all', '{"a":1}}'])(
      'answers HTTP 400 InvalidArgument for the malformed JSON body %j and keeps serving',
      async (payload) => {
        const result = await send({
          path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${sessionId}`),
          headers: { 'content-type': 'application/json' },
          payload,
        })
        expectFault(result, 'InvalidArgument', 400)
        const after = await send({
          path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${sessionId}`),
        })
        expect(after.text).toBe('true')
      },
    )

    it('answers HTTP 400 for a malformed JSON body on a login too', async () => {
      const result = await send({
        path: op('General/AuthenticatePublisherAccount'),
        headers: { 'content-type': 'application/json' },
        payload: '{"accountName": "pat", "password": ',
      })
      expectFault(result, 'InvalidArgument', 400)
    })

    it.each(['[]', '[{"SN":"SM11112222"}]', '5', '"text"', 'true', 'null'])(
      'answers InvalidArgument naming the body when an upload body is %s instead of an object',
      async (payload) => {
        const result = await send({
          path: op('Publisher/PostReceiverEgvRecords', `?sessionId=${sessionId}`),
          headers: { 'content-type': 'application/json' },
          payload,
        })
        expect(expectFault(result, 'InvalidArgument', 500)['Message']).toMatch(/body/)
      },
    )

    it('answers InvalidArgument naming the parameter for a login body that is an array', async () => {
      const result = await send({
        path: op('General/AuthenticatePublisherAccount'),
        headers: { 'content-type': 'application/json' },
        payload: '["pat.doe", "correct horse"]',
      })
      expect(expectFault(result, 'InvalidArgument', 500)['Message']).toContain('accountName')
    })

    it('answers InvalidArgument naming the parameter for a value of the wrong type', async () => {
      const result = await send({
        path: op('Publisher/ReadPublisherLatestGlucoseValues'),
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ sessionId, minutes: { value: 60 }, maxCount: 1 }),
      })
      expect(expectFault(result, 'InvalidArgument', 500)['Message']).toContain('minutes')
    })

    it('answers 413 PayloadTooLarge for a body over 1 MiB by default', async () => {
      const payload = JSON.stringify({ sessionId, pad: 'x'.repeat(1024 * 1024) })
      const result = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive'),
        headers: { 'content-type': 'application/json' },
        payload,
      })
      expectFault(result, 'PayloadTooLarge', 413)
      const after = await send({
        path: op('Publisher/IsRemoteMonitoringSessionActive', `?sessionId=${sessionId}`),
      })
      expect(after.text).toBe('true')
    })
  })

  describe('service endpoints', () => {
    it('answers /health with 200 {"status":"ok"}', async () => {
      const result = await send({ method: 'GET', path: '/health' })
      expect(result.status).toBe(200)
      expect(result.headers['content-type']).toMatch(/^application\/json/)
      expect(JSON.parse(result.text)).toEqual({ status: 'ok' })
    })

    it('answers /openapi.json with an OpenAPI 3.1.0 document listing every operation', async () => {
      const result = await send({ method: 'GET', path: '/openapi.json' })
      expect(result.status).toBe(200)
      expect(result.headers['content-type']).toMatch(/^application\/json/)
      const document = JSON.parse(result.text) as {
        openapi: string
        paths: Record<string, Record<string, unknown>>
      }
      expect(document.openapi).toBe('3.1.0')
      for (const operation of operations) {
        const item = document.paths[operationPath(operation)]
        expect(item, operation.name).toBeDefined()
        for (const method of operation.methods) {
          expect(item?.[method.toLowerCase()], `${method} ${operation.name}`).toBeDefined()
        }
      }
    })
  })
})

describe('a small body limit', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: 256 } })
  })
  afterEach(async () => {
    await server.close()
  })

  it('answers 413 PayloadTooLarge over the configured limit and accepts bodies under it', async () => {
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    const small = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
      body: { sessionId },
    })
    expect(small.text).toBe('false')
    const big = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
      body: { sessionId, pad: 'x'.repeat(300) },
    })
    expectFault(big, 'PayloadTooLarge', 413)
    const bigLogin = await server.call('General/LoginPublisherAccountByName', {
      body: { accountName: account.username, password: 'x'.repeat(300) },
    })
    expectFault(bigLogin, 'PayloadTooLarge', 413)
    expect(bigLogin.text).not.toContain('x'.repeat(300))
  })
})
