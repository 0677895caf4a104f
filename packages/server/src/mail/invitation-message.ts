/**
The text of the invitation e-mail a follower receives.
@module
*/

/** What an invitation e-mail says. */
export interface InvitationMailInput {
  /** The follower's e-mail address. */
  readonly to: string
  /** The name the publisher gave the contact. */
  readonly contactName: string
  /** Who invites: the publisher's display name. */
  readonly publisherDisplayName: string
  readonly invitationId: string
  /** A link that accepts the invitation, when the deployment has one (http or https). */
  readonly acceptUrl?: string | undefined
  /** Epoch ms after which the invitation can no longer be accepted. */
  readonly expiresAt: number
}

/** A composed e-mail. */
export interface InvitationMessage {
  readonly subject: string
  readonly text: string
  readonly html: string
}

/** Composes the subject, plain text and HTML of an invitation. Contains no secret: only the invitation id. */
export function composeInvitationMessage(input: InvitationMailInput): InvitationMessage {
  const publisher = oneLine(input.publisherDisplayName) || 'A glucoshare user'
  const contact = oneLine(input.contactName)
  const id = oneLine(input.invitationId)
  const expires = formatUtc(input.expiresAt)
  const acceptUrl = input.acceptUrl === undefined ? undefined : checkedUrl(input.acceptUrl)
  const subject = `${publisher} invited you to follow their glucose on glucoshare`

  const text = [
    contact ? `Hello ${contact},` : 'Hello,',
    '',
    `${publisher} invited you to follow their glucose readings and alerts with glucoshare.`,
    '',
    `Invitation id: ${id}`,
    `Expires:       ${expires}`,
    '',
    `To accept it, log in to glucoshare as a follower and accept invitation ${id}:`,
    '',
    `- with the glucoshare command: glucoshare invitations accept ${id}`,
    `- from an app: Subscriber/AcceptSubscriptionInvitation with your follower session and this invitation id`,
    ...(acceptUrl ? [`- in a browser: ${acceptUrl}`] : []),
    '',
    `No follower account yet? Ask ${publisher} or the administrator of their glucoshare server for one.`,
    'Not expecting this? Ignore this e-mail: nothing is shared with you unless you accept.',
    '',
  ].join('\n')

  const h = escapeHtml
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.4">',
    `<p>${contact ? `Hello ${h(contact)},` : 'Hello,'}</p>`,
    `<p><strong>${h(publisher)}</strong> invited you to follow their glucose readings and alerts with glucoshare.</p>`,
    '<table>',
    `<tr><td>Invitation id:</td><td><code>${h(id)}</code></td></tr>`,
    `<tr><td>Expires:</td><td>${h(expires)}</td></tr>`,
    '</table>',
    `<p>To accept it, log in to glucoshare as a follower and accept invitation <code>${h(id)}</code>:</p>`,
    '<ul>',
    `<li>with the glucoshare command: <code>glucoshare invitations accept ${h(id)}</code></li>`,
    '<li>from an app: <code>Subscriber/AcceptSubscriptionInvitation</code> with your follower session and this invitation id</li>',
    ...(acceptUrl ? [`<li>in a browser: <a href="${h(acceptUrl)}">${h(acceptUrl)}</a></li>`] : []),
    '</ul>',
    `<p>No follower account yet? Ask ${h(publisher)} or the administrator of their glucoshare server for one.</p>`,
    '<p>Not expecting this? Ignore this e-mail: nothing is shared with you unless you accept.</p>',
    '</body></html>',
    '',
  ].join('\n')

  return { subject, text, html }
}

/** `2026-11-30 12:00 UTC` */
function formatUtc(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new TypeError('the invitation expiry must be a time')
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

// Names come from users; line breaks would break the subject line and the plain-text layout.
function oneLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
}

function checkedUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError('the invitation accept URL is not a valid URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('the invitation accept URL must use http or https')
  }
  return url.href
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  )
}
