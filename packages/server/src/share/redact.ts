/**
The URL with every query value replaced: Share puts session ids (and some clients account
names) in the query string, and none of them may reach a log. Names are kept as sent.
The marker is ASCII on purpose: one character outside Latin-1 makes V8 store the whole log line
two bytes per character, and measuring and encoding it then cost about 3 µs a request
(BENCHMARKS.md).
*/
export function redactedUrl(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return url
  return url.slice(0, start + 1) + url.slice(start + 1).replace(/=[^&]*/g, '=***')
}
