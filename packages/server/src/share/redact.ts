/**
The URL with every query value replaced: Share puts session ids (and some clients account
names) in the query string, and none of them may reach a log. Names are kept as sent.
*/
export function redactedUrl(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return url
  return url.slice(0, start + 1) + url.slice(start + 1).replace(/=[^&]*/g, '=…')
}
