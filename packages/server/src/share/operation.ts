import type { Static, TObject, TSchema } from '@sinclair/typebox'
import type { FaultCode } from '@glucoshare/sdk'
import type { Session } from '../store/store.js'
import type { Services } from '../services.js'

/** The three areas of the Share API. */
export type Area = 'General' | 'Publisher' | 'Subscriber'

/** Which session an operation needs: none (logins), a publisher's, or a follower's. */
export type Auth = 'none' | 'publisher' | 'follower'

/** What an operation answers on success. */
export type ResponseSpec =
  | { readonly kind: 'json'; readonly schema: TSchema }
  | { readonly kind: 'empty' }
  | { readonly kind: 'bytes'; readonly contentType: string }

/** A response body that is already serialised JSON (the hot read path builds its own). */
export class RawJson {
  readonly json: string
  constructor(json: string) {
    this.json = json
  }
}

/** Binary response content. */
export interface Bytes {
  readonly data: Uint8Array
  readonly contentType: string
}

/** What a handler receives. */
export interface OperationContext<P, B, A extends Auth> {
  readonly params: P
  readonly body: B
  readonly session: A extends 'none' ? undefined : Session
  readonly services: Services
  /** The request body exactly as received (for binary uploads). */
  readonly rawBody: Buffer | undefined
  readonly contentType: string | undefined
  /** What the operation's `withSession` fetched along with the session, if it has one. */
  readonly preloaded?: unknown
}

/** What an operation's `withSession` answers: the session it found, and the handler's data. */
export interface SessionWithData {
  readonly session: Session | undefined
  readonly data: unknown
}

/** The declaration of one Share operation, from which routing, validation and OpenAPI derive. */
export interface OperationDef<P extends TObject, B extends TSchema | undefined, A extends Auth> {
  readonly area: Area
  readonly name: string
  /** HTTP methods; POST unless the spec names GET. */
  readonly methods: readonly ('POST' | 'GET')[]
  readonly summary: string
  readonly description?: string
  readonly auth: A
  /** Named parameters, read from the query string or a JSON body object, names case-insensitive. */
  readonly params: P
  /** A JSON body the operation needs beyond its named parameters. */
  readonly body?: B
  /**
  The body may be raw bytes (an image) instead of JSON: a body that is not JSON then reaches the
  handler as `rawBody` rather than being refused with HTTP 400.
  */
  readonly binaryBody?: boolean
  readonly response: ResponseSpec
  /** Every fault code the operation can answer with, beyond the session faults. */
  readonly faults: readonly FaultCode[]
  /** True for glucoshare extensions that Dexcom's service does not have. */
  readonly extension?: boolean
  /**
  Finds the session together with the data the handler needs, in one store call (the hot read
  path: one database round trip instead of two). The transport then checks the parameters and
  body first, calls this, and applies its usual checks to the session found; `data` reaches the
  handler as `preloaded`. Invalid input still answers the session faults first when the session
  is not valid, as for every operation.
  */
  readonly withSession?: (context: {
    readonly sessionId: string
    readonly params: Static<P>
    readonly services: Services
  }) => Promise<SessionWithData>
  readonly handle: (
    context: OperationContext<Static<P>, B extends TSchema ? Static<B> : undefined, A>,
  ) => Promise<unknown>
}

/** An operation with its type parameters erased, as the registry holds it. */
export type Operation = OperationDef<TObject, TSchema | undefined, Auth>

/** Declares an operation; the identity function that keeps handler types checked. */
export function defineOperation<
  P extends TObject,
  A extends Auth,
  B extends TSchema | undefined = undefined,
>(definition: OperationDef<P, B, A>): Operation {
  return definition as unknown as Operation
}
