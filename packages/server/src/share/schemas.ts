import { Type } from '@sinclair/typebox'

/** Source text of the UUID pattern used in every schema. */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** A UUID in any letter case; answers are lower-case. */
export const Uuid = (description: string) =>
  Type.String({
    pattern: UUID_PATTERN,
    description,
    examples: ['3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
  })

/** The session id parameter every session operation takes. */
export const SessionIdParam = Uuid(
  'Session id from a login. Also accepted as `sessionID`, in the query string or a JSON body. A value that is not a UUID is answered with HTTP 400.',
)

/** A login password. */
export const Password = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: 'Account password.',
})

/** The application id clients send with logins. */
export const ApplicationId = Type.Optional(
  Uuid(
    "Application id. Share's two known ids (`d89443d2-…`, `d8665ade-…`) are accepted on every host, as is any other UUID.",
  ),
)

/** A bare lower-case UUID string answer. */
export const UuidAnswer = (description: string) =>
  Type.String({ format: 'uuid', description, examples: ['3f2504e0-4f89-41d3-9a0c-0305e82c3301'] })

/** Share's object-form timestamp. */
export const WireDateTimeSchema = Type.Object(
  {
    DateTime: Type.String({ examples: ['/Date(1700000000000)/'] }),
    OffsetMinutes: Type.Integer(),
  },
  {
    description:
      'Object-form timestamp: epoch milliseconds in `/Date(ms)/` and the zone offset in minutes.',
  },
)

/** A glucose record as read endpoints return it. */
export const WireEgvSchema = Type.Object(
  {
    WT: Type.String({ description: 'Wall time, `Date(ms)` (legacy mode: `/Date(ms)/`).' }),
    ST: Type.String({ description: 'System time (UTC), same form as WT.' }),
    DT: Type.String({ description: "Display time with the publisher's zone: `Date(ms-0400)`." }),
    Value: Type.Integer({ description: 'mg/dL; 39 = below range, 401 = above range.' }),
    Trend: Type.Union([Type.String(), Type.Integer({ minimum: 0, maximum: 9 })], {
      description: 'Trend name such as `Flat` (legacy mode: integer 0-9).',
    }),
  },
  {
    examples: [
      {
        WT: 'Date(1745081013817)',
        ST: 'Date(1745081013817)',
        DT: 'Date(1745081013817-0400)',
        Value: 224,
        Trend: 'Flat',
      },
    ],
  },
)
