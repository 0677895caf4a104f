import { Type } from '@sinclair/typebox'
import { MAX_MAX_COUNT, MAX_MINUTES } from '@glucoshare/sdk'
import { RawJson, defineOperation } from '../../share/operation.js'
import { SessionIdParam, WireEgvSchema } from '../../share/schemas.js'

/** The window parameters of every glucose read. */
export const readWindowParams = {
  minutes: Type.Integer({
    minimum: 0,
    description: `Window ending now, in minutes. Values above ${MAX_MINUTES} are clamped to ${MAX_MINUTES}.`,
    examples: [1440],
  }),
  maxCount: Type.Integer({
    minimum: 0,
    description: `Most readings to answer, newest first. Values above ${MAX_MAX_COUNT} are clamped to ${MAX_MAX_COUNT}.`,
    examples: [1],
  }),
}

export const readPublisherLatestGlucoseValues = defineOperation({
  area: 'Publisher',
  name: 'ReadPublisherLatestGlucoseValues',
  methods: ['POST', 'GET'],
  summary: "The publisher's newest glucose readings",
  description:
    'Newest first: the readings of the last `minutes`, at most `maxCount` of them; `[]` when none match (also for `minutes=0` or `maxCount=0`). Limits above 1440 minutes and 288 readings are clamped silently, as clients such as TooTallNate/dexcom-share ask for more. A server started in legacy mode answers `/Date(ms)/` dates and integer trends.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, ...readWindowParams }),
  response: { kind: 'json', schema: Type.Array(WireEgvSchema) },
  faults: ['InvalidArgument'],
  // The session and the readings, already as JSON, in one store call: one round trip on the
  // busiest operation.
  async withSession({ sessionId, params, services }) {
    const minutes = Math.min(params.minutes, MAX_MINUTES)
    const count = minutes === 0 ? 0 : Math.min(params.maxCount, MAX_MAX_COUNT)
    const since = services.clock.now() - minutes * 60_000
    const legacy = services.config.legacyWireFormat
    const found = await services.store.readEgvJsonBySession(sessionId, since, count, legacy)
    return { session: found?.session, data: found?.json }
  },
  async handle({ preloaded }) {
    return new RawJson(preloaded as string)
  },
})
