import { Type } from '@sinclair/typebox'
import { defineOperation, type Bytes } from '../../share/operation.js'
import { SessionIdParam } from '../../share/schemas.js'
import { invalidArgument } from '../../share/share-fault.js'
import { sniffImageType } from './image-type.js'

export const readPublisherAccountImage = defineOperation({
  area: 'Publisher',
  name: 'ReadPublisherAccountImage',
  methods: ['GET', 'POST'],
  summary: "The publisher's avatar as raw image bytes",
  description:
    'Answers the stored PNG, JPEG, GIF or WebP bytes with their Content-Type, or an empty 200 when the account has no image.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'bytes', contentType: 'image/*' },
  faults: [],
  async handle({ session, services }): Promise<Bytes> {
    const image = await services.store.readAccountImage(session.accountKey)
    return image ?? { data: new Uint8Array(), contentType: 'application/octet-stream' }
  },
})

export const updatePublisherAccountImage = defineOperation({
  area: 'Publisher',
  name: 'UpdatePublisherAccountImage',
  methods: ['POST'],
  summary: "Replaces the publisher's avatar",
  description:
    "Dexcom's UpdateAvatarBody was never recovered. glucoshare takes either the raw image bytes as the body, or a JSON object whose `image` field (any letter case) holds them in base64. PNG, JPEG, GIF and WebP are accepted, up to 256 KiB by default.",
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    image: Type.Optional(
      Type.String({ description: 'Base64 image bytes, when the body is JSON.' }),
    ),
  }),
  binaryBody: true,
  response: { kind: 'empty' },
  faults: ['InvalidArgument'],
  async handle({ params, rawBody, session, services }) {
    const data = params.image === undefined ? rawBody : Buffer.from(params.image, 'base64')
    if (!data || data.length === 0) throw invalidArgument('The request holds no image.')
    if (data.length > services.config.maxImageBytes) {
      throw invalidArgument(`The image is larger than ${services.config.maxImageBytes} bytes.`)
    }
    const contentType = sniffImageType(data)
    if (!contentType) throw invalidArgument('The image is not PNG, JPEG, GIF or WebP.')
    await services.store.writeAccountImage(session.accountKey, data, contentType)
  },
})
