import { defineCommand } from 'citty'
import { normalizeUuid } from '@glucoshare/sdk'
import {
  SubscriptionState,
  normalizeLogin,
  subscriptionState,
  type Account,
  type Contact,
  type Store,
} from '@glucoshare/server'
import { CLIError, EXIT } from '../../cli-error.js'
import { openStore } from '../../open-store.js'
import { printTable } from '../../print-table.js'
import { jsonArgs, storeArgs } from '../_shared.js'

/** The words `State` 0-3 print as. */
const STATES: Record<number, string> = {
  [SubscriptionState.None]: 'not invited',
  [SubscriptionState.Pending]: 'pending',
  [SubscriptionState.Accepted]: 'accepted',
  [SubscriptionState.Expired]: 'expired',
}

/** One contact of one publisher, as printed. */
interface InvitationRow {
  readonly publisher: string
  readonly contact: string
  readonly email: string
  readonly state: string
  readonly invitationId: string
  readonly expires: string
  readonly subscriptionId: string
  readonly followerId: string
  readonly paused: boolean
}

export default defineCommand({
  meta: {
    name: 'list',
    description:
      "List the publishers' follower contacts with their invitation id, state and expiry, read from the database",
  },
  args: {
    ...storeArgs,
    publisher: {
      type: 'string',
      description: "Only this publisher's: username, email, phone or account id",
      valueHint: 'name',
    },
    ...jsonArgs,
  },
  async run({ args }) {
    const store = await openStore(args.db)
    try {
      const publishers = await publishersOf(store, args.publisher)
      const now = Date.now()
      const rows: InvitationRow[] = []
      for (const publisher of publishers) {
        for (const contact of await store.listContacts(publisher.key)) {
          rows.push(rowOf(publisher, contact, now))
        }
      }
      if (args.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
        return
      }
      printTable(
        rows.map((row) => ({ ...row, state: row.paused ? `${row.state} (paused)` : row.state })),
        ['publisher', 'contact', 'email', 'state', 'invitationId', 'expires'],
      )
    } finally {
      await store.close()
    }
  },
})

async function publishersOf(store: Store, wanted: string | undefined): Promise<Account[]> {
  if (wanted === undefined || wanted.trim() === '') {
    return (await store.listAccounts()).filter((account) => account.kind === 'publisher')
  }
  const id = normalizeUuid(wanted.trim())
  const account = id
    ? await store.findAccountById(id)
    : await store.findAccountByLogin(normalizeLogin(wanted))
  if (!account || account.kind !== 'publisher') {
    throw new CLIError(
      `no publisher account "${wanted.trim()}" in this database; see glucoshare accounts list`,
      EXIT.usage,
    )
  }
  return [account]
}

function rowOf(publisher: Account, contact: Contact, now: number): InvitationRow {
  const s = contact.subscription
  return {
    publisher: publisher.username,
    contact: contact.name,
    email: contact.email,
    state: STATES[subscriptionState(s, now)] ?? 'unknown',
    invitationId: s?.invitationId ?? '',
    expires: s ? new Date(s.inviteExpires).toISOString() : '',
    subscriptionId: s?.id ?? '',
    followerId: s?.subscriberId ?? '',
    paused: s?.paused ?? false,
  }
}
