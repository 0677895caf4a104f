/**
An invitation e-mail could not be handed to the SMTP server. The message names the server's
host and what went wrong, never the SMTP password. The invitation itself stands: the follower
can still accept it by id.
*/
export class InvitationMailError extends Error {
  override name = 'InvitationMailError' as const
  /** Nodemailer's error code (`ESOCKET`, `EAUTH`, `EENVELOPE`, `ETIMEDOUT`, …) when there is one. */
  readonly code: string | undefined

  constructor(message: string, code: string | undefined) {
    super(message)
    this.code = code
  }
}
