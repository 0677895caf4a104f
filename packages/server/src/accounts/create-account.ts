import { randomUUID } from 'node:crypto'
import type { Account, AccountKind, Store } from '../store/store.js'
import { DuplicateKeyError } from '../store/store.js'
import { DEFAULT_SCRYPT_COST, hashPassword } from '../auth/password.js'
import { isEmailAddress } from '../auth/email-address.js'
import { normalizeLogin } from '../auth/account-login.js'

/** What an operator supplies to create an account. */
export interface CreateAccountInput {
  readonly kind?: AccountKind
  readonly username: string
  readonly password: string
  readonly email?: string | undefined
  /** `+<country><number>`; spaces, dots, dashes and brackets are dropped. */
  readonly phone?: string | undefined
  /** @default the username */
  readonly displayName?: string | undefined
}

const USERNAME = /^[\p{L}\p{N}._@+-]{3,64}$/u

/**
Validates and creates an account. Usernames, emails and phone numbers form one login namespace:
none of them may equal another account's, or a login would be ambiguous.
Throws `TypeError` with a plain message for bad input and `DuplicateKeyError` for a taken name.
*/
export async function createAccount(
  store: Store,
  input: CreateAccountInput,
  now = Date.now(),
  scryptCost = DEFAULT_SCRYPT_COST,
): Promise<Account> {
  const username = input.username.trim()
  if (!USERNAME.test(username) || username.startsWith('+')) {
    throw new TypeError(
      'the username needs 3 to 64 letters, digits or . _ @ + - and may not start with +',
    )
  }
  if (input.password.length < 8 || input.password.length > 1024) {
    throw new TypeError('the password needs 8 to 1024 characters')
  }
  const email = input.email?.trim() || undefined
  if (email !== undefined && !isEmailAddress(email))
    throw new TypeError(`"${email}" is not an email address`)
  const phone = input.phone === undefined ? undefined : normalizeLogin(input.phone)
  if (phone !== undefined && !/^\+\d{6,15}$/.test(phone)) {
    throw new TypeError('the phone number must look like +<country code><number>')
  }
  for (const [field, value] of [
    ['username', username],
    ['email', email],
    ['phone', phone],
  ] as const) {
    if (value !== undefined && (await store.findAccountByLogin(value)))
      throw new DuplicateKeyError(field)
  }
  return store.createAccount({
    id: randomUUID(),
    kind: input.kind ?? 'publisher',
    username,
    email,
    phone,
    displayName: input.displayName?.trim() || username,
    passwordHash: await hashPassword(input.password, scryptCost),
    createdAt: now,
  })
}
