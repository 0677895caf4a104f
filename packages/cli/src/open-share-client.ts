/**
Builds the SDK's `ShareClient` for the reading commands, and turns its errors into messages a
user can act on. Messages name the host only: never a URL (the session id travels in the query
string), a session id or a password.
@module
*/
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import {
  ShareClient,
  isAccountError,
  isAccountLockedError,
  isArgumentError,
  isNetworkError,
  isServerError,
  isSessionError,
  isShareError,
  isTimeoutError,
  type ShareClientOptions,
} from '@glucoshare/sdk'
import { CLIError, EXIT } from './cli-error.js'
import {
  resolveShareCredentials,
  type CredentialSources,
  type ShareArgValues,
  type ShareCredentials,
} from './share-credentials.js'

/** A client and the host it talks to, for messages. */
export interface OpenedShareClient {
  readonly client: ShareClient
  /** `share2.dexcom.com`, `127.0.0.1:8080`… */
  readonly host: string
  /** The account read: its username, or its account id when logging in by id. */
  readonly account: string
}

/** The account-error advice, also used by tests. */
export const LOGIN_REFUSED_HINT =
  "wrong username/password, or the wrong region (try --region ous / jp), or follower credentials instead of the publisher's"

/**
Resolves the credentials and builds the client. With `--insecure` the client gets a `fetch` built
on `node:https` with `rejectUnauthorized: false`, for this client only (the process-wide
`NODE_TLS_REJECT_UNAUTHORIZED` is left alone), and a warning goes to standard error.
*/
export async function openShareClient(
  args: ShareArgValues,
  sources: CredentialSources = {},
): Promise<OpenedShareClient> {
  return shareClientFor(await resolveShareCredentials(args, sources))
}

/** Builds the client for credentials already resolved (`archive --accounts` resolves its own). */
export function shareClientFor(credentials: ShareCredentials): OpenedShareClient {
  const options: ShareClientOptions = {
    ...(credentials.username !== undefined
      ? { username: credentials.username }
      : { accountId: credentials.accountId }),
    password: credentials.password,
    region: credentials.region,
    ...(credentials.server !== undefined ? { baseUrl: credentials.server } : {}),
    ...(credentials.insecure ? { fetch: insecureFetch } : {}),
    userAgent: 'glucoshare-cli',
  }
  let client: ShareClient
  try {
    client = new ShareClient(options)
  } catch (error) {
    if (!isShareError(error)) throw error
    throw new CLIError(optionMessage(error.code, error.message), EXIT.usage)
  }
  const url = new URL(client.baseUrl)
  if (credentials.insecure && url.protocol === 'https:') {
    process.stderr.write(
      `glucoshare: warning: --insecure: the TLS certificate of ${url.host} is not checked, so anyone on the network path could read the password; use it only with your own server\n`,
    )
  }
  return { client, host: url.host, account: credentials.username ?? String(credentials.accountId) }
}

function optionMessage(code: string, fallback: string): string {
  switch (code) {
    case 'BaseUrlInvalid':
      return '--server must be an absolute http(s) URL, such as https://share.example.org'
    case 'AccountIdInvalid':
      return "--account-id must be the account's id, a UUID such as 01234567-89ab-cdef-0123-456789abcdef"
    case 'UsernameInvalid':
      return '--username must not be empty'
    default:
      return fallback
  }
}

/**
Runs `work` with a client, translating the SDK's errors into {@link CLIError}s with exit 1.
Errors that are not the SDK's pass through unchanged.
*/
export async function withShareClient<T>(
  args: ShareArgValues,
  work: (opened: OpenedShareClient) => Promise<T>,
  sources: CredentialSources = {},
): Promise<T> {
  const opened = await openShareClient(args, sources)
  try {
    return await work(opened)
  } catch (error) {
    throw explainShareError(error, opened.host)
  }
}

/** A plain-words {@link CLIError} for an SDK error; anything else is answered unchanged. */
export function explainShareError(error: unknown, host: string): unknown {
  if (!isShareError(error)) return error
  if (isAccountLockedError(error)) {
    return new CLIError(
      `${host} has locked the account after too many failed logins: wait before retrying (glucoshare servers lock for 15 minutes by default; Dexcom does not say), since every attempt in the meantime can prolong the lock`,
    )
  }
  if (isAccountError(error)) return new CLIError(`${host} refused the login: ${LOGIN_REFUSED_HINT}`)
  if (isSessionError(error)) {
    return new CLIError(`${host} refused the session even after a fresh login; try again later`)
  }
  if (isTimeoutError(error)) return new CLIError(`${host} did not answer in time; try again later`)
  if (isNetworkError(error)) {
    if (causes(error.cause).some((cause) => cause.message === 'bad port')) {
      return new CLIError(
        `cannot reach ${host}: fetch refuses that port, which the fetch standard blocks; serve on another port`,
      )
    }
    const code = causes(error.cause)
      .map((cause) => cause.code)
      .find((c) => typeof c === 'string' && /^[A-Z][A-Z0-9_]+$/.test(c)) as string | undefined
    const certificate = code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
    return new CLIError(
      certificate
        ? `cannot reach ${host}: its TLS certificate is not trusted (${code}); for your own server with a self-signed certificate, add --insecure or set NODE_EXTRA_CA_CERTS to its certificate file`
        : `cannot reach ${host}${code ? ` (${code})` : ''}: check the network and the server address`,
    )
  }
  if (isServerError(error)) {
    if (error.code === 'EndpointNotFound') {
      return new CLIError(
        `${host} does not offer Share's ${error.operation}: check that --server is a Share server's base URL`,
      )
    }
    if (error.code === 'HttpError' || error.code === 'InvalidResponse') {
      const status = error.status !== undefined ? ` (HTTP ${error.status})` : ''
      return new CLIError(
        `${host} did not answer like a Share server${status}: check --server and --region`,
      )
    }
    return new CLIError(`the Share server ${host} failed (${error.code}); try again later`)
  }
  if (isArgumentError(error)) return new CLIError(`${host} refused the request: ${error.message}`)
  return new CLIError(`${host}: ${error.message}`)
}

/**
The chain of causes: Node's fetch wraps the socket error, TypeError('fetch failed') →
{ code: 'ECONNREFUSED' }. Only upper-case codes and fixed messages are ever printed from it: they
cannot carry a URL or a session id.
*/
function causes(cause: unknown): { code?: unknown; message?: unknown }[] {
  const chain: { code?: unknown; message?: unknown }[] = []
  for (let depth = 0; depth < 5 && typeof cause === 'object' && cause !== null; depth++) {
    chain.push(cause as { code?: unknown; message?: unknown })
    cause = (cause as { cause?: unknown }).cause
  }
  return chain
}

// Statuses a `Response` must be built without a body.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
A `fetch` that does not verify TLS certificates, for `--insecure`. It covers what the SDK uses:
method, headers, a string body, an abort signal, and `status`/`ok`/`headers`/`text()`/`body` on
the answer. The body streams, so the follower's live stream works through it too.
*/
export function insecureFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input))
  const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers))
  const body = typeof init.body === 'string' ? init.body : undefined
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  const { signal } = init
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error)
      return
    }
    const onResponse = (response: IncomingMessage) => {
      const status = response.statusCode ?? 0
      if (status < 200 || status > 599) {
        response.resume()
        reject(new TypeError(`unsupported HTTP status ${status}`))
        return
      }
      const answerHeaders = new Headers()
      for (const [name, value] of Object.entries(response.headers)) {
        for (const one of Array.isArray(value) ? value : [value]) {
          if (one !== undefined) answerHeaders.append(name, one)
        }
      }
      const stream = NULL_BODY_STATUSES.has(status)
        ? null
        : (Readable.toWeb(response) as ReadableStream<Uint8Array>)
      if (stream === null) response.resume()
      resolve(
        new Response(stream, {
          status,
          statusText: response.statusMessage ?? '',
          headers: answerHeaders,
        }),
      )
    }
    const options = { method: init.method ?? 'GET', headers }
    const request =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...options, rejectUnauthorized: false }, onResponse)
        : httpRequest(url, options, onResponse)
    request.on('error', reject)
    signal?.addEventListener('abort', () => request.destroy(signal.reason as Error), { once: true })
    request.end(body)
  })
}
