/**
The URL with every query value replaced: Share puts session ids (and some clients account
names) in the query string, and none of them may reach a log.
*/
export function redactedUrl(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return url
  const names = [...new URLSearchParams(url.slice(start + 1)).keys()]
  return `${url.slice(0, start)}?${names.map((name) => `${encodeURIComponent(name)}=…`).join('&')}`
}
