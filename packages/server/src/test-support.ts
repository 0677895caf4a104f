/**
Test harness: a real server on a real SQLite file in a temporary folder, a clock the test moves,
and helpers that speak Share's transport. Not part of the build.
*/
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { createApp, type App, type AppOptions } from './app.js'
import type { ServerConfig } from './config.js'
import type { Clock } from './clock.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import { createAccount, type CreateAccountInput } from './accounts/create-account.js'
import type { Account } from './store/store.js'

/** A clock that stands still until the test moves it. */
export class ManualClock implements Clock {
  #now: number
  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.#now = start
  }
  now(): number {
    return this.#now
  }
  advance(ms: number): void {
    this.#now += ms
  }
  set(ms: number): void {
    this.#now = ms
  }
}

/** The answer to a {@link TestServer.call}. */
export interface CallResult {
  readonly status: number
  readonly headers: Record<string, string | number | string[] | undefined>
  readonly text: string
  /** The body parsed as JSON, or `undefined` when it is empty. */
  readonly json: unknown
}

export interface CallOptions {
  readonly query?: Record<string, string | number>
  /** A value to send as JSON, or a string/Buffer sent as is. */
  readonly body?: unknown
  readonly contentType?: string | null
  readonly method?: 'GET' | 'POST'
}

export interface TestServer {
  readonly app: App
  readonly store: SqliteStore
  readonly clock: ManualClock
  readonly dbPath: string
  /** Calls `{Area}/{Operation}` in-process. */
  call(operation: string, options?: CallOptions): Promise<CallResult>
  /** Creates an account (publisher unless `kind` says otherwise); password defaults to `correct horse`. */
  addAccount(input?: Partial<CreateAccountInput>): Promise<{ account: Account; password: string }>
  /** Logs in by account id and returns the session id. */
  login(account: Account, password?: string): Promise<string>
  /** A publisher with a session, an active monitoring session and receiver `SM11112222`. */
  uploader(): Promise<{ account: Account; sessionId: string; serial: string }>
  close(): Promise<void>
}

let counter = 0
const FIXTURE_SCRYPT_COST = 1024

export async function startTestServer(
  options: {
    config?: ServerConfig
    clock?: ManualClock
    /** Extra app options (live bus, background work, webhook fetch, mailer). */
    app?: Partial<Omit<AppOptions, 'store' | 'clock' | 'config'>>
    /**
    Opens this database file instead of a fresh one, to restart a server on the data of one that
    was closed. The caller owns the file: `close()` leaves it in place.
    */
    dbPath?: string
  } = {},
): Promise<TestServer> {
  const dir =
    options.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'glucoshare-test-')) : undefined
  const dbPath = options.dbPath ?? join(dir!, 'glucoshare.db')
  const store = new SqliteStore({ path: dbPath })
  await store.migrate()
  const clock = options.clock ?? new ManualClock()
  const app = await createApp({
    store,
    clock,
    ...(options.config ? { config: options.config } : {}),
    // Tests drive due checks and webhook passes themselves (backgroundOf), on the manual clock.
    background: false,
    ...options.app,
  })

  const call: TestServer['call'] = async (operation, opts = {}) => {
    const query = new URLSearchParams(
      Object.entries(opts.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString()
    const url = `${DEXCOM_SERVICES_PATH}/${operation}${query ? `?${query}` : ''}`
    const payload =
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string' || Buffer.isBuffer(opts.body)
          ? opts.body
          : JSON.stringify(opts.body)
    const headers: Record<string, string> = {}
    const contentType = opts.contentType === undefined ? 'application/json' : opts.contentType
    if (contentType !== null) headers['content-type'] = contentType
    const response = await app.inject({
      method: opts.method ?? 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    })
    const text = response.body
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.statusCode, headers: response.headers, text, json }
  }

  const addAccount: TestServer['addAccount'] = async (input = {}) => {
    counter += 1
    const password = input.password ?? 'correct horse'
    // A cheap scrypt cost keeps fixtures fast; verification reads the cost from the hash.
    const account = await createAccount(
      store,
      { username: `user${counter}`, ...input, password },
      clock.now(),
      FIXTURE_SCRYPT_COST,
    )
    return { account, password }
  }

  const login: TestServer['login'] = async (account, password = 'correct horse') => {
    const result = await call('General/LoginPublisherAccountById', {
      body: { accountId: account.id, password, applicationId: DEXCOM_APPLICATION_ID },
    })
    if (result.status !== 200) throw new Error(`login failed: ${result.text}`)
    return result.json as string
  }

  return {
    app,
    store,
    clock,
    dbPath,
    call,
    addAccount,
    login,
    async uploader() {
      const { account } = await addAccount()
      const sessionId = await login(account)
      const serial = 'SM11112222'
      const started = await call('Publisher/StartRemoteMonitoringSession', {
        query: { sessionId, serialNumber: serial },
      })
      if (started.status !== 200) throw new Error(`start failed: ${started.text}`)
      return { account, sessionId, serial }
    },
    async close() {
      await app.close()
      await store.close()
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An upload body with readings `minutesAgo` before `now`, in the `/Date(ms)/` form uploaders send. */
export function egvBody(
  serial: string,
  now: number,
  readings: readonly { minutesAgo: number; value: number; trend?: number | string }[],
): {
  SN: string
  Egvs: { ST: string; DT: string; Value: number; Trend: number | string }[]
  TA: number
} {
  return {
    SN: serial,
    TA: -5,
    Egvs: readings.map((r) => {
      const t = Math.floor((now - r.minutesAgo * 60_000) / 1000) * 1000
      return { ST: `/Date(${t})/`, DT: `/Date(${t})/`, Value: r.value, Trend: r.trend ?? 4 }
    }),
  }
}
