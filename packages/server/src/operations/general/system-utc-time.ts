import { Type } from '@sinclair/typebox'
import { formatWireDateTime } from '@glucoshare/sdk'
import { defineOperation } from '../../share/operation.js'
import { WireDateTimeSchema } from '../../share/schemas.js'

export const systemUtcTime = defineOperation({
  area: 'General',
  name: 'SystemUtcTime',
  methods: ['GET', 'POST'],
  summary: "The server's current UTC time",
  description: 'Lets uploaders check their clock against the server before posting readings.',
  auth: 'none',
  params: Type.Object({}),
  response: { kind: 'json', schema: WireDateTimeSchema },
  faults: [],
  async handle({ services }) {
    return formatWireDateTime(services.clock.now(), 0)
  },
})
