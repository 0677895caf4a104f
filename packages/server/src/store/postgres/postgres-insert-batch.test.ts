import { describe, expect, it } from 'vitest'
import type { ReadingsUpload } from '../store.js'
import { distinctAccountRuns } from './postgres-insert-batch.js'

function upload(accountKey: number, receivedAt: number): ReadingsUpload {
  return { accountKey, readings: [], receivedAt }
}

/** Each run as `account@position` pairs, for readable expectations. */
function shape(uploads: readonly ReadingsUpload[]): string[][] {
  return distinctAccountRuns(uploads).map((run) =>
    run.map(({ upload: u, index }) => `${u.accountKey}@${index}`),
  )
}

describe('distinctAccountRuns', () => {
  it('keeps distinct accounts in one run, ordered by account', () => {
    expect(shape([upload(3, 0), upload(1, 1), upload(2, 2)])).toEqual([['1@1', '2@2', '3@0']])
  })

  it('puts each repeat of an account in the run after its previous upload', () => {
    expect(
      shape([upload(5, 0), upload(7, 1), upload(5, 2), upload(5, 3), upload(9, 4), upload(7, 5)]),
    ).toEqual([['5@0', '7@1', '9@4'], ['5@2', '7@5'], ['5@3']])
  })

  it('places a new account in the first run, even after repeats of others', () => {
    expect(shape([upload(1, 0), upload(1, 1), upload(2, 2)])).toEqual([['1@0', '2@2'], ['1@1']])
  })

  it('answers no run for no upload', () => {
    expect(distinctAccountRuns([])).toEqual([])
  })
})
