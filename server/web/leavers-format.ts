// Leavers in words: the leaving day relative to today, where the news came from, the case state.
import type { CaseState, LeaverSource, LeaverWhen } from './api-types.ts'
import { LEAVER_WHENS } from './api-types.ts'
import { formatDate, toDateInput } from './format.ts'

const DAY_MS = 86_400_000

/** Days from today (local) to a YYYY-MM-DD day: 0 today, 1 tomorrow, -1 yesterday. */
export function daysFromToday(day: string, now = new Date()): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null
  const target = Date.parse(`${day}T00:00:00Z`)
  const today = Date.parse(`${toDateInput(now)}T00:00:00Z`)
  if (Number.isNaN(target) || Number.isNaN(today)) return null
  return Math.round((target - today) / DAY_MS)
}

/** "today", "tomorrow", "in 5 days", "3 days ago"; the date itself beyond a month. */
export function formatLeavingDay(day: string | null | undefined, now = new Date()): string {
  if (!day) return '—'
  const days = daysFromToday(day, now)
  if (days === null) return day
  if (days === 0) return 'today'
  if (days === 1) return 'tomorrow'
  if (days === -1) return 'yesterday'
  if (days > 1 && days <= 30) return `in ${days} days`
  if (days < -1 && days >= -30) return `${-days} days ago`
  return formatDate(`${day}T12:00:00`)
}

export const SOURCE_LABELS: Record<LeaverSource, string> = {
  scim: 'SCIM',
  csv: 'CSV import',
  hr: 'HR webhook',
  ssf: 'Shared Signals',
  manual: 'By hand',
}

export function sourceLabel(source: string | null | undefined): string {
  if (!source) return '—'
  return SOURCE_LABELS[source as LeaverSource] ?? source
}

export const CASE_STATE_LABELS: Record<CaseState, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Closed',
  cancelled: 'Cancelled',
}

export function isCaseOpen(state: CaseState): boolean {
  return state === 'open' || state === 'in_progress'
}

export const WHEN_LABELS: Record<LeaverWhen, string> = {
  all: 'All',
  due: 'Due today',
  overdue: 'Overdue',
  upcoming: 'Upcoming',
  done: 'Done',
}

/** The leavers tab from `?when=`; anything else is "all". */
export function parseLeaverWhen(search: string): LeaverWhen {
  const when = new URLSearchParams(search).get('when')
  return (LEAVER_WHENS as readonly string[]).includes(when ?? '') ? (when as LeaverWhen) : 'all'
}

const GITHUB_LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i

/** GitHub usernames: letters, digits and single hyphens inside, at most 39 characters. */
export function isGithubLogin(value: string): boolean {
  return GITHUB_LOGIN.test(value)
}
