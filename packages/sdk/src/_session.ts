/**
Internal: the session handling every glucoshare client shares. One login at a time, session
reuse, and exactly one fresh login and retry when the server answers a session fault.
@module
*/
import { DEXCOM_DEFAULT_UUID } from './constants.js'
import { clientError, isSessionError } from './errors.js'
import { normalizeUuid } from './uuid.js'

/** Logs in and answers the new session id. */
export type LogIn = (signal: AbortSignal | undefined) => Promise<string>

/** Holds one client's session and logs in when a call needs one. */
export class SessionKeeper {
  readonly #logIn: LogIn
  #sessionId: string | undefined
  #loggingIn: Promise<string> | undefined

  constructor(logIn: LogIn) {
    this.#logIn = logIn
  }

  /** The session held now, if any; for redaction and logout. */
  get current(): string | undefined {
    return this.#sessionId
  }

  /** Drops the session; answers the one that was held. */
  forget(): string | undefined {
    const sessionId = this.#sessionId
    this.#sessionId = undefined
    return sessionId
  }

  /** The session, logging in first when there is none. Calls made meanwhile share one login. */
  session(signal: AbortSignal | undefined): Promise<string> {
    if (this.#sessionId !== undefined) return Promise.resolve(this.#sessionId)
    this.#loggingIn ??= this.#logIn(signal)
      .then((sessionId) => {
        this.#sessionId = sessionId
        return sessionId
      })
      .finally(() => {
        this.#loggingIn = undefined
      })
    return this.#loggingIn
  }

  /** Runs `call` with the session; on a session fault, logs in once more and retries once. */
  async withSession<T>(
    signal: AbortSignal | undefined,
    call: (sessionId: string) => Promise<T>,
  ): Promise<T> {
    const sessionId = await this.session(signal)
    try {
      return await call(sessionId)
    } catch (error) {
      if (!isSessionError(error)) throw error
      // Exactly one fresh login and one retry; a second session fault propagates.
      if (this.#sessionId === sessionId) this.#sessionId = undefined
      return call(await this.session(signal))
    }
  }
}

/** `Area/Operation` → `Operation`, the name errors carry. */
export function operationOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** A login's answer as an id. Share has answered failed logins with the all-zeros UUID and HTTP 200 (spec 5.4). */
export function checkId(answer: unknown, path: string): string {
  if (answer === DEXCOM_DEFAULT_UUID) throw clientError('LoginRejected', operationOf(path))
  const id = normalizeUuid(answer)
  if (!id) throw clientError('InvalidResponse', operationOf(path))
  return id
}
