import { describe, expect, it } from 'vitest'
import { formatLeavingDay, isGithubLogin, parseLeaverWhen } from './leavers-format.ts'

const NOW = new Date('2026-11-23T10:00:00')

describe('formatLeavingDay', () => {
  it.each([
    ['2026-11-23', 'today'],
    ['2026-11-24', 'tomorrow'],
    ['2026-11-22', 'yesterday'],
    ['2026-11-30', 'in 7 days'],
    ['2026-11-13', '10 days ago'],
    ['2027-03-01', '1 Mar 2027'],
    ['2026-01-02', '2 Jan 2026'],
  ])('says %s as "%s"', (day, words) => {
    expect(formatLeavingDay(day, NOW)).toBe(words)
  })

  it('shows a dash for no day and the raw text for a malformed one', () => {
    expect(formatLeavingDay(null, NOW)).toBe('—')
    expect(formatLeavingDay('23/11/2026', NOW)).toBe('23/11/2026')
  })
})

describe('parseLeaverWhen', () => {
  it.each([
    ['?when=due', 'due'],
    ['?when=overdue', 'overdue'],
    ['?when=upcoming', 'upcoming'],
    ['?when=done', 'done'],
    ['?when=soon', 'all'],
    ['', 'all'],
  ])('reads %j as %s', (search, when) => {
    expect(parseLeaverWhen(search)).toBe(when)
  })
})

describe('isGithubLogin', () => {
  it.each(['octocat', 'ada-lovelace', 'a', 'A1-b2'])('accepts %s', (login) => {
    expect(isGithubLogin(login)).toBe(true)
  })
  it.each(['-ada', 'ada-', 'ada--l', 'ada lovelace', 'ada@acme', '', 'x'.repeat(40)])(
    'refuses %j',
    (login) => {
      expect(isGithubLogin(login)).toBe(false)
    }
  )
})
