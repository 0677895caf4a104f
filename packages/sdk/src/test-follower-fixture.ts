/**
Test fixture for the SDK's clients: an in-process `fetch` that logs each exchange (used by the
publisher and follower client tests), and a publisher who invites a follower on a real glucoshare
test server and uploads through the harness.
Not part of the build.
*/
import { expect } from 'vitest'
import { egvBody, type TestServer } from '../../server/src/test-support.js'
import type { Account } from '../../server/src/store/store.js'

// Test-only passwords; nothing here resembles a real secret.
export const PUBLISHER_PASSWORD = 'publisher-test-passphrase'
export const FOLLOWER_PASSWORD = 'follower-test-passphrase'
export const MINUTE = 60_000

/** One request a client made and the server's answer. */
export interface Exchange {
  readonly operation: string
  readonly method: string
  readonly query: URLSearchParams
  readonly headers: Headers
  readonly body: string
  readonly status: number
  readonly text: string
}

/** A `fetch` that hands each request to the server in-process through `app.inject`. */
export function injectFetch(server: TestServer, log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const body = request.method === 'GET' ? '' : await request.text()
    const response = await server.app.inject({
      method: request.method as 'POST',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      ...(request.method === 'GET' ? {} : { payload: body }),
    })
    log.push({
      operation: url.pathname.slice(url.pathname.lastIndexOf('/') + 1),
      method: request.method,
      query: url.searchParams,
      headers: request.headers,
      body,
      status: response.statusCode,
      text: response.body,
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined)
        headers.set(name, Array.isArray(value) ? value.join(', ') : `${value}`)
    }
    const payload = response.rawPayload.length > 0 ? new Uint8Array(response.rawPayload) : null
    return new Response(payload, { status: response.statusCode, headers })
  }
}

/** A publisher who invited a follower, before the follower accepted. */
export interface Invitation {
  readonly publisher: Account
  readonly follower: Account
  readonly publisherSession: string
  readonly contactId: string
  readonly subscriptionId: string
  readonly invitationId: string
  /** The receiver serial uploads go to. */
  readonly serial: string
}

let serials = 0

/** Calls an operation through the harness and demands HTTP 200. */
export async function ok(
  server: TestServer,
  operation: string,
  query: Record<string, string | number>,
  body?: unknown,
): Promise<unknown> {
  const result = await server.call(operation, { query, ...(body === undefined ? {} : { body }) })
  expect(result.status, `${operation}: ${result.text}`).toBe(200)
  return result.json
}

/**
A publisher (with an open monitoring session) and a follower account; the publisher adds the
follower as a contact and invites them. `follower` reuses an existing follower account.
*/
export async function invite(
  server: TestServer,
  options: {
    follower?: Account
    displayName?: string
    permissions?: number
    alertSettings?: Record<string, unknown>
  } = {},
): Promise<Invitation> {
  const { account: publisher } = await server.addAccount({ password: PUBLISHER_PASSWORD })
  const follower =
    options.follower ??
    (await server.addAccount({ kind: 'follower', password: FOLLOWER_PASSWORD })).account
  const publisherSession = await server.login(publisher, PUBLISHER_PASSWORD)
  serials += 1
  const serial = `SM${String(serials).padStart(8, '0')}`
  await ok(server, 'Publisher/StartRemoteMonitoringSession', {
    sessionId: publisherSession,
    serialNumber: serial,
  })
  const contactId = (await ok(server, 'Publisher/CreateContact', {
    sessionId: publisherSession,
    contactName: `Follower ${serials}`,
    emailAddress: `follower${serials}@example.org`,
  })) as string
  const subscriptionId = (await ok(
    server,
    'Publisher/CreateSubscriptionInvitation',
    { sessionId: publisherSession, contactId },
    {
      DisplayName: options.displayName ?? `Publisher ${serials}`,
      Permissions: options.permissions ?? 1,
      ...(options.alertSettings ? { AlertSettings: options.alertSettings } : {}),
    },
  )) as string
  const invitationId = (await ok(server, 'Publisher/ReadSubscriptionInviteId', {
    sessionId: publisherSession,
    subscriptionId,
  })) as string
  return {
    publisher,
    follower,
    publisherSession,
    contactId,
    subscriptionId,
    invitationId,
    serial,
  }
}

/** Uploads readings `minutesAgo` before the server's clock as the invitation's publisher. */
export async function upload(
  server: TestServer,
  invitation: Invitation,
  readings: { minutesAgo: number; value: number; trend?: number }[],
): Promise<void> {
  await ok(
    server,
    'Publisher/PostReceiverEgvRecords',
    { sessionId: invitation.publisherSession },
    egvBody(invitation.serial, server.clock.now(), readings),
  )
}

/** Awaits a rejection. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (reason: unknown) => reason as Error & { code?: string },
  )
}
