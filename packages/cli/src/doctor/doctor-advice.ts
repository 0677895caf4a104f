/**
What `glucoshare doctor` suggests, in the order people most often need it (pydexcom's FAQ,
users.md 2.1): password, publisher vs follower, sharing on, another way to name the account.
@module
*/

/** After a lockout, the one thing to do. */
export const LOCKOUT_ADVICE =
  'wait before trying again (glucoshare servers lock for 15 minutes by default; Dexcom does not say how long): every attempt during the lock can extend it, so doctor stopped'

/** When the login was refused: by `server` (a `--server` host), or by every region tried. */
export function refusedAdvice(server: string | undefined): string[] {
  return [
    ...(server !== undefined
      ? [
          `check that the account exists on ${server}: --server sends the login there instead of to Dexcom`,
        ]
      : []),
    'check the password by signing in to the Dexcom app with exactly these details',
    "use the publisher's login (the person wearing the sensor, whose Dexcom app shares), not a follower's Dexcom Follow login",
    'make sure Share is on in the Dexcom app, with at least one follower',
    'if the username or phone number keeps failing, try the email address, or the account id with --account-id',
    "every failed login counts towards the account's lockout: leave a few minutes between tries",
  ]
}

/** When the login works but there is no reading to show. */
export function readingsAdvice(): string[] {
  return [
    'turn Share on in the Dexcom app and check that the phone is online: Share only has readings the app uploads',
    'check that the sensor session is running in the Dexcom app',
  ]
}
