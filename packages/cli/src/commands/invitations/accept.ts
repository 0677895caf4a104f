import { defineCommand } from 'citty'
import { isUuid } from '@glucoshare/sdk'
import { CLIError, EXIT } from '../../cli-error.js'
import { withFollowerClient } from '../../open-follower-client.js'
import { jsonArgs } from '../_shared.js'
import { followerArgs } from '../_follower-args.js'

export default defineCommand({
  meta: {
    name: 'accept',
    description:
      'Accept an invitation to follow a publisher, as the follower (the id comes from the e-mail, the publisher or `invitations list`)',
  },
  args: {
    invitationId: {
      type: 'positional',
      description: 'The invitation id (a UUID)',
      required: true,
    },
    ...followerArgs,
    ...jsonArgs,
  },
  async run({ args }) {
    const invitationId = String(args.invitationId).trim()
    if (!isUuid(invitationId)) {
      throw new CLIError(
        `the invitation id must be a UUID such as 01234567-89ab-cdef-0123-456789abcdef, got "${invitationId}"`,
        EXIT.usage,
      )
    }
    const { subscriptionId, publisher } = await withFollowerClient(
      args,
      async ({ client, host }) => {
        let id: string
        try {
          id = await client.acceptInvitation(invitationId)
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'InvalidArgument') throw error
          throw new CLIError(
            `${host} has no open invitation ${invitationId}: it was withdrawn, mistyped, or accepted by another follower`,
          )
        }
        const subscriptions = await client.listSubscriptions()
        const found = subscriptions.find((s) => s.subscriptionId === id)
        return { subscriptionId: id, publisher: found?.displayName ?? '' }
      },
    )
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ subscriptionId, publisher })}\n`)
      return
    }
    const who = publisher ? ` ${publisher}` : ''
    process.stdout.write(
      `accepted: you now follow${who} (subscription ${subscriptionId}); see the readings with glucoshare follow\n`,
    )
  },
})
