import { defineCommand } from 'citty'
import { openStore } from '../../open-store.js'
import { printTable } from '../../print-table.js'
import { jsonArgs, storeArgs } from '../_shared.js'

export default defineCommand({
  meta: { name: 'list', description: 'List accounts (never their passwords)' },
  args: { ...storeArgs, ...jsonArgs },
  async run({ args }) {
    const store = await openStore(args.db)
    try {
      const rows = (await store.listAccounts()).map((a) => ({
        accountId: a.id,
        kind: a.kind,
        username: a.username,
        email: a.email ?? '',
        phone: a.phone ?? '',
        displayName: a.displayName,
        created: new Date(a.createdAt).toISOString(),
      }))
      if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
      else printTable(rows, ['accountId', 'kind', 'username', 'email', 'phone', 'created'])
    } finally {
      await store.close()
    }
  },
})
