/**
`serve()`'s close over real sockets: requests in flight are still answered, and then no connection
is left open for close() to wait on, whatever its client does. Each test would hang until its
timeout (the client here never hangs up) if close() waited for a connection to time out.
*/
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { createAccount } from '../accounts/create-account.js'
import { FOLLOWER_STREAM_PATH } from '../alerting/follower-stream-route.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import type { Session } from '../store/store.js'
import { serve, type RunningServer } from './serve.js'

const PASSWORD = 'correct horse'
const LOGIN_PATH = `${DEXCOM_SERVICES_PATH}/General/LoginSubscriberAccount`

/** A store whose session look-ups wait while a gate is set, to hold a request in flight. */
class GatedStore extends SqliteStore {
  gate: Promise<void> | undefined
  readonly reached: (() => void)[] = []

  override async findSession(id: string): Promise<Session | undefined> {
    if (this.gate) {
      for (const reached of this.reached.splice(0)) reached()
      await this.gate
    }
    return super.findSession(id)
  }
}

/** A client connection that keeps everything the server sends and never closes by itself. */
interface RawClient {
  readonly socket: Socket
  /** Resolves with everything received once the server has closed the connection. */
  readonly closed: Promise<string>
}

let dir: string
let store: GatedStore
let server: RunningServer
let accountId: string
const clients: Socket[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-close-'))
  store = new GatedStore({ path: join(dir, 'glucoshare.db') })
  await store.migrate()
  // A cheap scrypt cost keeps the fixture fast; verification reads the cost from the hash.
  const account = await createAccount(
    store,
    { username: 'follower1', password: PASSWORD, kind: 'follower' },
    Date.now(),
    1024,
  )
  accountId = account.id
  server = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
})

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const port = () => Number(new URL(server.url).port)

function loginBody(): string {
  return JSON.stringify({ accountId, password: PASSWORD, applicationId: DEXCOM_APPLICATION_ID })
}

/** Connects, and resolves once the server has accepted the connection. */
async function rawClient(): Promise<RawClient> {
  const accepted = once(server.app.server, 'connection')
  const socket = connect(port(), '127.0.0.1')
  clients.push(socket)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  // A connection the server destroys with bytes it has not read may end in a reset, not a FIN.
  socket.on('error', () => {})
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
  await Promise.all([once(socket, 'connect'), accepted])
  return { socket, closed }
}

/** Resolves once close() has got as far as stopping the listener: preClose hooks have run. */
async function listenerStopped(): Promise<void> {
  while (server.app.server.listening) await new Promise((resolve) => setImmediate(resolve))
}

async function login(): Promise<string> {
  const response = await fetch(`${server.url}${LOGIN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loginBody(),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as string
}

/** Opens a follower stream without a keep-alive agent; resolves with the answer's head. */
function openStream(sessionId: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: port(), path: `${FOLLOWER_STREAM_PATH}?sessionId=${sessionId}` },
      resolve,
    )
    req.on('error', reject)
    req.on('socket', (socket) => clients.push(socket))
    req.end()
  })
}

function bodyOf(response: IncomingMessage): Promise<string> {
  const parts: Buffer[] = []
  response.on('data', (part: Buffer) => parts.push(part))
  return new Promise((resolve, reject) => {
    response.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    response.on('error', reject)
  })
}

describe('serve().close() over real sockets', () => {
  it('ends a connection that has not sent a request yet', async () => {
    // undici opens such a connection ahead of need, beside a follower stream.
    const client = await rawClient()

    await server.close()

    expect(await client.closed).toBe('')
  })

  it('ends a connection whose request headers are only half sent', async () => {
    const client = await rawClient()
    client.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConn`)

    await server.close()

    expect(await client.closed).toBe('')
  })

  it('answers a Share request in flight, with Connection: close, then ends its connection', async () => {
    const client = await rawClient()
    const body = loginBody()
    const dispatched = once(server.app.server, 'request')
    client.socket.write(
      [
        `POST ${LOGIN_PATH} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: keep-alive',
        '',
        body.slice(0, 10),
      ].join('\r\n'),
    )
    await dispatched

    const closing = server.close()
    await listenerStopped()
    client.socket.write(body.slice(10))
    await closing

    const raw = await client.closed
    expect(raw).toMatch(/^HTTP\/1\.1 200 /)
    expect(raw).toMatch(/\r\nConnection: close\r\n/i)
    expect(raw).toMatch(/\r\n\r\n"[0-9a-f-]{36}"$/)
  })

  it('ends open follower streams, and refuses one whose session was being read at close', async () => {
    const sessionId = await login()
    const open = await openStream(sessionId)
    expect(open.statusCode).toBe(200)
    const openBody = bodyOf(open)
    let release!: () => void
    store.gate = new Promise<void>((resolve) => (release = resolve))
    const reached = new Promise<void>((resolve) => store.reached.push(resolve))
    const late = openStream(sessionId)
    await reached

    const closing = server.close()
    await listenerStopped()
    release()
    const refused = await late
    await closing

    expect(await openBody).toContain('event: ready')
    expect(refused.statusCode).toBe(503)
    expect(refused.headers.connection).toBe('close')
    expect(await bodyOf(refused)).toContain('"Code":"ServiceUnavailable"')
  })
})
