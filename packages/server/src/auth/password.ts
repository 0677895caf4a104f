import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs ~128 MiB and ~0.3 s here; N=2^15 keeps a login
// near 50 ms on this class of machine while staying far beyond GPU-friendly fast hashes.
const PARAMS = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const
const KEY_LENGTH = 32

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/** The scrypt CPU/memory cost (N) new hashes use. */
export const DEFAULT_SCRYPT_COST: number = PARAMS.N

/**
Hashes a password as `scrypt$N$r$p$salt$key` (base64 parts). The cost is stored in the hash, so
verification always uses the cost the hash was made with; a lower `cost` is for fixtures only.
*/
export async function hashPassword(password: string, cost: number = PARAMS.N): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { ...PARAMS, N: cost })
  return ['scrypt', cost, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  )
}

/** True when `password` matches a hash made by {@link hashPassword}. Constant-time on the key. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

// A hash of a random password, verified when the account does not exist so that unknown users
// cost the same time as wrong passwords and cannot be told apart by timing.
let decoy: Promise<string> | undefined
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'))
  return decoy
}
