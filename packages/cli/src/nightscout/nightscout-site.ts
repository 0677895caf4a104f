import { createHash } from 'node:crypto'
import { CLIError, EXIT } from '../cli-error.js'

/** A Nightscout site to upload to. */
export interface NightscoutSite {
  /** `https://ns.example/api/v1/entries` (`POST` target). */
  readonly entriesUrl: string
  /** `https://ns.example` or `https://host/sub/path`: names the site in push cursors. */
  readonly key: string
  /** `ns.example`: the only part of the address messages show. */
  readonly host: string
}

/**
Reads `--url`: the site's base address, such as `https://ns.example`. A trailing `/api/v1` or
`/api/v1/entries` is tolerated. Credentials, query strings and fragments are refused: secrets
go in the `api-secret` header only.
*/
export function parseNightscoutSite(value: string | undefined): NightscoutSite {
  const text = value?.trim() ?? ''
  if (text === '') {
    throw new CLIError(
      'give the Nightscout site with --url, such as https://ns.example',
      EXIT.usage,
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CLIError(
      '--url must be an absolute http(s) URL, such as https://ns.example',
      EXIT.usage,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CLIError('--url must be an http(s) URL, such as https://ns.example', EXIT.usage)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new CLIError(
      '--url must be the plain site address, without user, password, ?query or #fragment: the secret goes in NIGHTSCOUT_API_SECRET or --api-secret-stdin',
      EXIT.usage,
    )
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1(?:\/entries(?:\.json)?)?$/i, '')
  const key = `${url.origin}${path}`
  return { entriesUrl: `${key}/api/v1/entries`, key, host: url.host }
}

/** The `api-secret` header: the SHA-1 of the site's API_SECRET, in lower-case hex. */
export function apiSecretHeader(secret: string): string {
  return createHash('sha1').update(secret, 'utf8').digest('hex')
}
