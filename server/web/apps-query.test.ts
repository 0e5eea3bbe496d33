import { describe, expect, it } from 'vitest'
import {
  DEFAULT_APPS_FILTER,
  parseAppsFilter,
  toAppsApiQuery,
  toAppsSearch,
  toggleSort,
} from './apps-query.ts'

describe('apps filter in the URL', () => {
  it('reads filters and sort from the query string', () => {
    expect(
      parseAppsFilter(
        '?q=notes&risk=high&provider=google&sanctioned=false&ai=true&sort=people&order=asc'
      )
    ).toEqual({
      q: 'notes',
      risk: 'high',
      provider: 'google',
      sanctioned: 'false',
      aiOnly: true,
      sort: 'people',
      order: 'asc',
    })
  })

  it('falls back to the defaults for anything unknown or hostile', () => {
    expect(
      parseAppsFilter('?risk=extreme&provider=%3Cscript%3E&sanctioned=maybe&sort=drop&order=up')
    ).toEqual(DEFAULT_APPS_FILTER)
    expect(parseAppsFilter('')).toEqual(DEFAULT_APPS_FILTER)
  })

  it('gives a column its own first order when only the sort is in the URL', () => {
    expect(parseAppsFilter('?sort=name')).toMatchObject({ sort: 'name', order: 'asc' })
    expect(parseAppsFilter('?sort=risk')).toMatchObject({ sort: 'risk', order: 'desc' })
  })

  it('writes only what differs from the default, and reads back the same filter', () => {
    expect(toAppsSearch(DEFAULT_APPS_FILTER)).toBe('')
    const filter = { ...DEFAULT_APPS_FILTER, q: ' otter ', risk: 'critical' as const, aiOnly: true }
    const search = toAppsSearch(filter)
    expect(search).toBe('?q=otter&risk=critical&ai=true')
    expect(parseAppsFilter(search)).toEqual({ ...filter, q: 'otter' })
    const sorted = { ...DEFAULT_APPS_FILTER, sort: 'risk' as const, order: 'asc' as const }
    expect(parseAppsFilter(toAppsSearch(sorted))).toEqual(sorted)
  })

  it('flips the order on the same column and starts another column at its default', () => {
    const byPeople = toggleSort(DEFAULT_APPS_FILTER, 'people')
    expect(byPeople).toMatchObject({ sort: 'people', order: 'desc' })
    expect(toggleSort(byPeople, 'people')).toMatchObject({ sort: 'people', order: 'asc' })
    expect(toggleSort(byPeople, 'name')).toMatchObject({ sort: 'name', order: 'asc' })
    expect(toggleSort(DEFAULT_APPS_FILTER, 'lastSeen')).toMatchObject({ order: 'asc' })
  })

  it('sends the API the filters, and the sort only when it is not the default', () => {
    expect(toAppsApiQuery(DEFAULT_APPS_FILTER)).toEqual({
      q: '',
      risk: '',
      provider: '',
      sanctioned: '',
      ai: '',
      sort: '',
      order: '',
    })
    expect(
      toAppsApiQuery({ ...DEFAULT_APPS_FILTER, aiOnly: true, sanctioned: 'true', sort: 'people' })
    ).toMatchObject({ ai: 'true', sanctioned: 'true', sort: 'people', order: 'desc' })
  })
})
