/**
Shared fixture of the interoperability tests: a glucoshare server on a real HTTPS socket (self-signed
certificate, real SQLite file), a publisher that uploads readings over the wire, a stand-in
Nightscout that records what a bridge posts, and a runner for third-party clients in child processes.
*/
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { serve, type RunningServer } from '../../src/node/serve.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { createAccount } from '../../src/accounts/create-account.js'

/** Test-only credentials; nothing real. */
export const PUBLISHER_NAME = 'interop.publisher'
export const PUBLISHER_PASSWORD = 'interop-test-only-pw'
export const RECEIVER_SERIAL = 'SM12345678'

/**
Nightscout `direction` for each Share trend ordinal, as S2N and NSC name them (their `DIRECTIONS`
table; share-api.md §4.3). Written out here, not derived from server code, so a mismatch shows.
*/
export const NIGHTSCOUT_DIRECTIONS = [
  'NONE',
  'DoubleUp',
  'SingleUp',
  'FortyFiveUp',
  'Flat',
  'FortyFiveDown',
  'SingleDown',
  'DoubleDown',
  'NOT COMPUTABLE',
  'RATE OUT OF RANGE',
] as const

/** A reading to upload, dated relative to the real clock. */
export interface ReadingSpec {
  readonly minutesAgo: number
  readonly value: number
  readonly trend: number
}

/** A reading as uploaded: `time` is the exact ms epoch sent as ST/DT (whole seconds). */
export interface UploadedReading {
  readonly time: number
  readonly value: number
  readonly trend: number
}

/**
Ten readings five minutes apart within the last hour, one per trend ordinal 0-9, including the
LOW (39) and HIGH (401) sentinels.
*/
export const TEN_READINGS: readonly ReadingSpec[] = [
  { minutesAgo: 2, value: 131, trend: 4 },
  { minutesAgo: 7, value: 128, trend: 3 },
  { minutesAgo: 12, value: 119, trend: 2 },
  { minutesAgo: 17, value: 104, trend: 1 },
  { minutesAgo: 22, value: 39, trend: 0 },
  { minutesAgo: 27, value: 401, trend: 9 },
  { minutesAgo: 32, value: 250, trend: 5 },
  { minutesAgo: 37, value: 268, trend: 6 },
  { minutesAgo: 42, value: 290, trend: 7 },
  { minutesAgo: 47, value: 310, trend: 8 },
]

/** The Nightscout entries a Share bridge should make of `readings`, newest first. */
export function expectedEntries(
  readings: readonly UploadedReading[],
  device: string,
): Record<string, unknown>[] {
  return [...readings]
    .sort((a, b) => b.time - a.time)
    .map((r) => ({
      sgv: r.value,
      date: r.time,
      dateString: new Date(r.time).toISOString(),
      trend: r.trend,
      direction: NIGHTSCOUT_DIRECTIONS[r.trend],
      device,
      type: 'sgv',
    }))
}

export interface InteropServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string
  /** `127.0.0.1:<port>`: what the clients' host settings take. */
  readonly hostAndPort: string
  /** The self-signed certificate (PEM), usable as `NODE_EXTRA_CA_CERTS`. */
  readonly certFile: string
  /** Logs the publisher in over HTTPS, starts monitoring and posts the readings. */
  upload(readings: readonly ReadingSpec[]): Promise<UploadedReading[]>
  close(): Promise<void>
}

/** A glucoshare server over HTTPS on 127.0.0.1 with one publisher, on a fresh SQLite file. */
export async function startInteropServer(
  options: { legacyWireFormat?: boolean } = {},
): Promise<InteropServer> {
  const dir = mkdtempSync(join(tmpdir(), 'glucoshare-interop-'))
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' })
  const ca = readFileSync(certFile)
  let server: RunningServer | undefined
  try {
    const store = new SqliteStore({ path: join(dir, 'glucoshare.db') })
    await store.migrate()
    const account = await createAccount(store, {
      username: PUBLISHER_NAME,
      password: PUBLISHER_PASSWORD,
    })
    server = await serve({
      store,
      port: 0,
      host: '127.0.0.1',
      tlsCertFile: certFile,
      tlsKeyFile: keyFile,
      logger: false,
      config: { legacyWireFormat: options.legacyWireFormat ?? false },
    })
    const running = server
    const call = (operation: string, query: Record<string, string>, body?: unknown) =>
      postJson(`${running.url}${DEXCOM_SERVICES_PATH}/${operation}`, query, body, ca)
    return {
      url: running.url,
      hostAndPort: new URL(running.url).host,
      certFile,
      async upload(readings) {
        const login = await call(
          'General/LoginPublisherAccountById',
          {},
          {
            accountId: account.id,
            password: PUBLISHER_PASSWORD,
            applicationId: DEXCOM_APPLICATION_ID,
          },
        )
        if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`)
        const sessionId = JSON.parse(login.text) as string
        const started = await call('Publisher/StartRemoteMonitoringSession', {
          sessionId,
          serialNumber: RECEIVER_SERIAL,
        })
        if (started.status !== 200 && !started.text.includes('MonitoringSessionAlreadyActive')) {
          throw new Error(`start failed: ${started.status} ${started.text}`)
        }
        const now = Date.now()
        const uploaded = readings.map((r) => ({
          time: Math.floor((now - r.minutesAgo * 60_000) / 1000) * 1000,
          value: r.value,
          trend: r.trend,
        }))
        const posted = await call(
          'Publisher/PostReceiverEgvRecords',
          { sessionId },
          {
            SN: RECEIVER_SERIAL,
            TA: -5,
            Egvs: uploaded.map((r) => ({
              Trend: r.trend,
              ST: `/Date(${r.time})/`,
              DT: `/Date(${r.time})/`,
              Value: r.value,
            })),
          },
        )
        if (posted.status !== 200 || posted.text !== '') {
          throw new Error(`upload failed: ${posted.status} ${posted.text}`)
        }
        return uploaded
      },
      async close() {
        await running.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

/** POSTs JSON over HTTPS, trusting only the given certificate. */
function postJson(
  url: string,
  query: Record<string, string>,
  body: unknown,
  ca: Buffer,
): Promise<{ status: number; text: string }> {
  const target = new URL(url)
  for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value)
  const payload = body === undefined ? '' : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      target,
      {
        method: 'POST',
        ca,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** One POST that a bridge made to the stand-in Nightscout. */
export interface NightscoutPost {
  readonly path: string
  readonly apiSecret: string | undefined
  readonly body: unknown
}

/**
A stand-in Nightscout on plain HTTP: records each POST (path, `api-secret` header, JSON body) and
answers the posted JSON back, as Nightscout's REST API does.
*/
export interface FakeNightscout {
  readonly url: string
  readonly posts: readonly NightscoutPost[]
  close(): Promise<void>
}

export async function startFakeNightscout(): Promise<FakeNightscout> {
  const posts: NightscoutPost[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      const secret = req.headers['api-secret']
      posts.push({
        path: req.url ?? '',
        apiSecret: Array.isArray(secret) ? secret[0] : secret,
        body,
      })
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' })
      res.end(JSON.stringify(body ?? []))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** Nightscout's form of an API secret on the wire: lower-case hex SHA-1. */
export function nightscoutSecretHash(secret: string): string {
  return createHash('sha1').update(secret).digest('hex')
}

/** Polls `check` every 25 ms until it returns something other than `undefined`, or fails. */
export async function waitFor<T>(
  check: () => T | undefined,
  timeoutMs: number,
  explain: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${explain()}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/**
A third-party client running in its own Node process, with only the environment given (no
inherited proxy or TLS variables). Its output is kept for diagnostics with ids and the test
password masked.
*/
export class ClientProcess {
  readonly #child: ChildProcess
  readonly #messages: unknown[] = []
  #output = ''
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined

  constructor(args: readonly string[], env: Record<string, string>) {
    this.#child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    const keep = (chunk: Buffer) => {
      // The clients log a lot; the tail is enough to diagnose a failure.
      this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000)
    }
    this.#child.stdout?.on('data', keep)
    this.#child.stderr?.on('data', keep)
    this.#child.on('message', (message) => this.#messages.push(message))
    this.#exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => {
        this.#exit = { code, signal }
        resolve(this.#exit)
      })
    })
  }

  /** Output so far, with UUIDs and the test password masked. */
  get output(): string {
    return this.#output.replace(UUID, '<uuid>').replaceAll(PUBLISHER_PASSWORD, '<password>')
  }

  /** The first IPC message the client script sent. */
  message(timeoutMs: number): Promise<unknown> {
    return waitFor(
      () => this.#messages[0] ?? (this.#exit ? null : undefined),
      timeoutMs,
      () => `no message from the client; output:\n${this.output}`,
    ).then((message) => {
      if (message === null) {
        throw new Error(
          `client exited ${JSON.stringify(this.#exit)} without a message:\n${this.output}`,
        )
      }
      return message
    })
  }

  /** Waits for the process to end by itself. */
  async exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await waitFor(
      () => this.#exit,
      timeoutMs,
      () => `the client did not exit; output:\n${this.output}`,
    )
    return this.#exited
  }

  /** Ends the process (by its pid) if it still runs, and waits for it. */
  async stop(): Promise<void> {
    if (this.#exit !== undefined) return
    this.#child.kill('SIGTERM')
    const killed = setTimeout(() => this.#child.kill('SIGKILL'), 5_000)
    await this.#exited
    clearTimeout(killed)
  }
}
