/** Assertions on Share answers shared by the server's tests. Not part of the build. */
import { expect } from 'vitest'
import type { CallResult } from './test-support.js'

/** Asserts Share's fault envelope with `code` and HTTP `status`, and returns its body. */
export function expectFault(
  result: CallResult,
  code: string,
  status = 500,
): Record<string, unknown> {
  expect(result.status, result.text).toBe(status)
  expect(result.headers['content-type']).toMatch(/^application\/json/)
  const body = result.json as Record<string, unknown>
  expect(Object.keys(body).sort()).toEqual(['Code', 'Message', 'SubCode', 'TypeName'])
  expect(body['Code']).toBe(code)
  expect(body['TypeName']).toBe('FaultException')
  expect(typeof body['SubCode']).toBe('string')
  return body
}

/** Asserts the empty 200 that Share's void operations answer. */
export function expectEmpty(result: CallResult): void {
  expect(result.status, result.text).toBe(200)
  expect(result.text).toBe('')
  expect(result.headers['content-length']).toBe('0')
}
