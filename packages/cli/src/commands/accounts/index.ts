import { defineCommand } from 'citty'

export default defineCommand({
  meta: { name: 'accounts', description: 'Create and list accounts in the server database' },
  subCommands: {
    add: () => import('./add.js').then((m) => m.default),
    list: () => import('./list.js').then((m) => m.default),
  },
})
