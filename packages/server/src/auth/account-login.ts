import type { Account } from '../store/store.js'
import type { Services } from '../services.js'
import { ShareFault } from '../share/share-fault.js'
import { decoyHash, verifyPassword } from './password.js'

/** How the caller named the account: by login name (username, email, phone) or by account id. */
export type LoginSubject = { readonly login: string } | { readonly accountId: string }

/**
Checks credentials with lockout. Unknown accounts and wrong passwords give the same fault
(`AccountPasswordInvalid`), as Share does. Failures are counted per account, or per login name
when no account matches, so probing names cannot tell which exist.
*/
export async function verifyLogin(
  { store, config, clock }: Services,
  subject: LoginSubject,
  password: string,
  kind: Account['kind'] | undefined,
): Promise<Account> {
  const found =
    'login' in subject
      ? await store.findAccountByLogin(normalizeLogin(subject.login))
      : await store.findAccountById(subject.accountId)
  const account = found && (kind === undefined || found.kind === kind) ? found : undefined
  const key = account
    ? `account:${account.id}`
    : 'login' in subject
      ? `login:${normalizeLogin(subject.login).toLowerCase()}`
      : `account:${subject.accountId}`
  const now = clock.now()
  const since = now - config.lockoutWindowMs
  if ((await store.countLoginFailures(key, since)) >= config.lockoutMaxAttempts) {
    throw new ShareFault('SSO_AuthenticateMaxAttemptsExceeed')
  }
  const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()))
  if (account && ok) {
    await store.clearLoginFailures(key)
    return account
  }
  const failures = await store.recordLoginFailure(key, now, since)
  if (failures >= config.lockoutMaxAttempts) {
    throw new ShareFault('SSO_AuthenticateMaxAttemptsExceeed')
  }
  throw new ShareFault('AccountPasswordInvalid')
}

/**
Normalises what a user typed as account name: trims it, and for phone numbers drops the spaces,
dots, dashes and brackets people write them with (`+1 (555) 010-2030` → `+15550102030`).
*/
export function normalizeLogin(login: string): string {
  const trimmed = login.trim()
  if (/^\+[\d\s().-]+$/.test(trimmed)) return `+${trimmed.replace(/\D/g, '')}`
  return trimmed
}
