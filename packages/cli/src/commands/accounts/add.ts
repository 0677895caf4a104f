import { defineCommand } from 'citty'
import { DuplicateKeyError, createAccount } from '@glucoshare/server'
import { CLIError, EXIT } from '../../cli-error.js'
import { openStore } from '../../open-store.js'
import { readPasswordFromStdin } from '../../read-password.js'
import { jsonArgs, storeArgs } from '../_shared.js'

export default defineCommand({
  meta: {
    name: 'add',
    description:
      'Create a publisher account (or a follower account with --follower) and print its account id',
  },
  args: {
    username: {
      type: 'string',
      description: 'Login name (3-64 letters, digits or . _ @ + -)',
      required: true,
    },
    'password-stdin': {
      type: 'boolean',
      description:
        'Read the password from standard input (required: passwords never go on the command line)',
      default: false,
    },
    email: { type: 'string', description: 'Email address, also usable as login name' },
    phone: {
      type: 'string',
      description: 'Phone number +<country><number>, also usable as login name',
    },
    'display-name': {
      type: 'string',
      description: 'Name shown to followers (default: the username)',
    },
    follower: {
      type: 'boolean',
      description: 'Create a follower account, which logs in with General/LoginSubscriberAccount',
      default: false,
    },
    ...storeArgs,
    ...jsonArgs,
  },
  async run({ args }) {
    if (!args['password-stdin']) {
      throw new CLIError(
        'give the password on standard input with --password-stdin, e.g. `printf %s "$PW" | glucoshare accounts add --username NAME --password-stdin`',
        EXIT.usage,
      )
    }
    const password = await readPasswordFromStdin()
    const store = await openStore(args.db)
    try {
      const account = await createAccount(store, {
        kind: args.follower ? 'follower' : 'publisher',
        username: args.username,
        password,
        email: args.email,
        phone: args.phone,
        displayName: args['display-name'],
      })
      process.stdout.write(
        args.json
          ? `${JSON.stringify({ accountId: account.id, username: account.username, kind: account.kind })}\n`
          : `${account.id}\n`,
      )
    } catch (error) {
      if (error instanceof DuplicateKeyError)
        throw new CLIError(`that ${error.field} is already used by another account`)
      if (error instanceof TypeError) throw new CLIError(error.message, EXIT.usage)
      throw error
    } finally {
      await store.close()
    }
  },
})
