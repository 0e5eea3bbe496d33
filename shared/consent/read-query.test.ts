// readQuery agrees with URLSearchParams on every input, including malformed escapes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readQuery } from './read-query.ts'

const piece = fc.oneof(
  fc.string(),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '+', '%2B', 'a=b', '==', '%26', 'client_id', 'scope')
)

describe('readQuery', () => {
  it('reads the first value of each parameter like URLSearchParams', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, piece), { maxLength: 6 }), fc.boolean(), (pairs, q) => {
        const search = (q ? '?' : '') + pairs.map(([k, v]) => `${k}=${v}`).join('&')
        const ours = readQuery(search)
        const theirs = new URLSearchParams(search)
        for (const name of new Set([...theirs.keys(), 'client_id', 'scope'])) {
          expect(ours.get(name)).toBe(theirs.get(name))
          expect(ours.has(name)).toBe(theirs.has(name))
        }
      }),
      { numRuns: 3000 }
    )
  })

  it('decodes + as a space and keeps parameters without a value', () => {
    const q = readQuery('?scope=openid+email&prompt&x=%2B')
    expect(q.get('scope')).toBe('openid email')
    expect(q.get('prompt')).toBe('')
    expect(q.get('x')).toBe('+')
    expect(q.get('missing')).toBeNull()
  })
})
