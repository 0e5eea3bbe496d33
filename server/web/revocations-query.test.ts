import { describe, expect, it } from 'vitest'
import {
  DEFAULT_REVOCATIONS_FILTER,
  hasRevocationFilters,
  parseRevocationsFilter,
  toRevocationsApiQuery,
  toRevocationsSearch,
} from './revocations-query.ts'

const PLAN = '7d4c1e8a-2222-4b4b-8b8b-000000000001'

describe('revocations filter in the URL', () => {
  it('reads state, provider and plan from the query string', () => {
    expect(parseRevocationsFilter(`?state=failed&provider=okta&planId=${PLAN}`)).toEqual({
      state: 'failed',
      provider: 'okta',
      planId: PLAN,
    })
  })

  it('keeps "failed or given up" (the overview links there) and asks the API for both states', () => {
    const filter = parseRevocationsFilter('?state=failed%2Cdead')
    expect(filter.state).toBe('failed,dead')
    expect(toRevocationsApiQuery(filter)).toMatchObject({ state: 'failed,dead' })
    expect(parseRevocationsFilter('?state=failed,verified').state).toBe('')
  })

  it('drops anything unknown or hostile', () => {
    expect(
      parseRevocationsFilter('?state=exploded&provider=atlassian&planId=%3Cscript%3E')
    ).toEqual(DEFAULT_REVOCATIONS_FILTER)
    expect(hasRevocationFilters(parseRevocationsFilter('?state=nope'))).toBe(false)
  })

  it('writes only what is set, and round-trips', () => {
    expect(toRevocationsSearch(DEFAULT_REVOCATIONS_FILTER)).toBe('')
    const filter = { state: 'dead', provider: 'github', planId: PLAN } as const
    expect(toRevocationsSearch(filter)).toBe(`?state=dead&provider=github&planId=${PLAN}`)
    expect(parseRevocationsFilter(toRevocationsSearch(filter))).toEqual(filter)
    expect(toRevocationsApiQuery({ ...DEFAULT_REVOCATIONS_FILTER, provider: 'slack' })).toEqual({
      state: '',
      provider: 'slack',
      planId: '',
    })
  })
})
