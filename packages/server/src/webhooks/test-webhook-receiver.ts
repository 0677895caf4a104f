/**
Test harness: a real HTTP server on 127.0.0.1 that records what webhooks it is sent and answers
as the test says. Not part of the build.
*/
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the receiver got. */
export interface ReceivedWebhook {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  /** The raw body bytes, as a receiver must verify them. */
  readonly body: Buffer
}

/** Answers one request; may leave `response` unanswered to simulate a hung receiver. */
export type WebhookResponder = (request: ReceivedWebhook, response: ServerResponse) => void

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly received: ReceivedWebhook[]
  /** Changes how later requests are answered. */
  respond(responder: WebhookResponder): void
  /** Resolves at the next request (or at once when `count` requests already arrived). */
  waitFor(count: number): Promise<void>
  close(): Promise<void>
}

/** Answers with a status and optional headers. */
export function answer(status: number, headers: Record<string, string> = {}): WebhookResponder {
  return (_request, response) => {
    response.writeHead(status, headers).end()
  }
}

export async function startWebhookReceiver(
  responder: WebhookResponder = answer(204),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  let current = responder
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      received.push(request)
      current(request, res)
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    respond(next) {
      current = next
    },
    waitFor(count) {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
