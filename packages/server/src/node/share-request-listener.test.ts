/**
The server's own request listener, which answers Share operations in front of fastify: over real
sockets for what depends on HTTP (chunked bodies, the body limit, keep-alive, logs), and through
`inject` on the listener itself for the shutting-down answer.
*/
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inject } from 'light-my-request'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { egvBody, startTestServer, type CallResult, type TestServer } from '../test-support.js'
import { expectFault } from '../test-expect.js'
import { backgroundOf, shareRouterOf } from '../app.js'
import { resolveServerConfig } from '../config.js'
import { shareRequestListener } from './share-request-listener.js'

const READ = `${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherLatestGlucoseValues`
const UPLOAD = `${DEXCOM_SERVICES_PATH}/Publisher/PostReceiverEgvRecords`

interface Answer extends CallResult {
  /** Whether the server said it would close the connection. */
  readonly closes: boolean
}

/** One request over a real socket; `chunks` are written one by one, without a Content-Length. */
function send(
  port: number,
  path: string,
  options: { chunks?: readonly string[]; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...options.headers,
    }
    if (options.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(options.body))
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        let json: unknown
        try {
          json = text === '' ? undefined : JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json,
          closes: res.headers.connection === 'close',
        })
      })
    })
    // The server may close before the whole body is written (413): the answer still arrives.
    req.on('error', reject)
    if (options.body !== undefined) req.end(options.body)
    else {
      for (const chunk of options.chunks ?? []) req.write(chunk)
      req.end()
    }
  })
}

describe('the Share request listener over real sockets', () => {
  let server: TestServer
  let port: number
  const lines: Record<string, unknown>[] = []

  beforeEach(async () => {
    lines.length = 0
    server = await startTestServer({
      config: { bodyLimitBytes: 4096 },
      app: {
        logger: {
          level: 'info',
          destination: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) },
        },
      },
    })
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    port = (server.app.server.address() as AddressInfo).port
  })

  afterEach(async () => {
    await server.close()
  })

  it('accepts an upload sent in chunks, without a Content-Length', async () => {
    const { sessionId, serial } = await server.uploader()
    const body = JSON.stringify(
      egvBody(serial, server.clock.now(), [{ minutesAgo: 0, value: 123 }]),
    )
    const uploaded = await send(port, `${UPLOAD}?sessionId=${sessionId}`, {
      chunks: [body.slice(0, 10), body.slice(10, 40), body.slice(40)],
    })
    expect(uploaded.status, uploaded.text).toBe(200)
    expect(uploaded.text).toBe('')
    const read = await send(port, `${READ}?sessionId=${sessionId}&minutes=60&maxCount=1`, {
      body: '{}',
    })
    expect((read.json as { Value: number }[]).map((r) => r.Value)).toEqual([123])
  })

  it('answers 413 PayloadTooLarge to a chunked body over the limit and closes the connection', async () => {
    const { sessionId } = await server.uploader()
    const answer = await send(port, `${UPLOAD}?sessionId=${sessionId}`, {
      chunks: ['{"SN":"SM11112222","Egvs":[', 'x'.repeat(3000), 'y'.repeat(3000), ']}'],
    })
    expectFault(answer, 'PayloadTooLarge', 413)
    expect(answer.closes).toBe(true)
  })

  it('answers 413 at once when the declared Content-Length is over the limit', async () => {
    const answer = await send(port, `${UPLOAD}?sessionId=${'0'.repeat(8)}`, {
      body: ' '.repeat(5000),
    })
    expectFault(answer, 'PayloadTooLarge', 413)
    expect(answer.closes).toBe(true)
  })

  it('logs one line per request, with query values left out', async () => {
    const { sessionId } = await server.uploader()
    lines.length = 0
    const read = await send(port, `${READ}?sessionId=${sessionId}&minutes=60&maxCount=1`, {
      body: '{}',
    })
    expect(read.status).toBe(200)
    const unknown = await send(port, `${READ}?SessionID=5c3c2c4e-0000-4000-8000-000000000001`, {
      body: '{}',
    })
    expect(unknown.status).toBe(500)
    const document = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/openapi.json' }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
        .on('error', reject)
        .end()
    })
    expect(document).toBe(200)

    const completed = lines.filter((line) => line['msg'] === 'request completed')
    expect(completed.map((line) => [line['req'], line['res']])).toEqual([
      [
        { method: 'POST', url: `${READ}?sessionId=***&minutes=***&maxCount=***` },
        { statusCode: 200 },
      ],
      [{ method: 'POST', url: `${READ}?SessionID=***` }, { statusCode: 500 }],
      [{ method: 'GET', url: '/openapi.json' }, { statusCode: 200 }],
    ])
    for (const line of completed) {
      expect(line['level']).toBe(30)
      expect(typeof line['responseTime']).toBe('number')
      expect(line['responseTime']).toBeGreaterThan(0)
      expect(line['reqId']).toMatch(/^req-[0-9a-z]+$/)
    }
    expect(new Set(completed.map((line) => line['reqId'])).size).toBe(3)
    const everything = JSON.stringify(lines)
    expect(everything).not.toContain(sessionId)
    expect(everything).not.toContain('5c3c2c4e')
  })

  it('hands paths it does not serve, and methods an operation lacks, to fastify', async () => {
    const missing = await send(port, `${DEXCOM_SERVICES_PATH}/Publisher/NoSuchOperation`, {
      body: '{}',
    })
    expectFault(missing, 'EndpointNotFound', 404)
    const wrongMethod = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: UPLOAD }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
        .on('error', reject)
        .end()
    })
    expect(wrongMethod).toBe(404)
  })
})

describe('the Share request listener while the server closes', () => {
  let server: TestServer

  beforeEach(async () => {
    server = await startTestServer()
  })

  afterEach(async () => {
    await server.close()
  })

  it("answers 503 ServiceUnavailable in Share's envelope, with Retry-After, and closes the connection", async () => {
    const listener = shareRequestListener(
      {
        router: shareRouterOf(server.app),
        services: {
          store: server.store,
          clock: server.clock,
          config: resolveServerConfig(),
          alerts: backgroundOf(server.app).alerts,
          invitations: undefined,
        },
        log: server.app.log,
        isClosing: () => true,
        nextRequestId: () => 'req-0',
      },
      () => {
        throw new Error('a Share operation reached the fallback')
      },
    )
    const response = await inject(listener, {
      method: 'POST',
      url: `${READ}?sessionId=5c3c2c4e-0000-4000-8000-000000000001`,
      payload: '{}',
    })
    const answer: CallResult = {
      status: response.statusCode,
      headers: response.headers,
      text: response.body,
      json: JSON.parse(response.body) as unknown,
    }
    expectFault(answer, 'ServiceUnavailable', 503)
    expect(response.headers['retry-after']).toBe('5')
    expect(response.headers['connection']).toBe('close')
  })
})
