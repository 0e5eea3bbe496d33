// Dates, counts and labels as people read them.
const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const SHORT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' })

function parse(value: string | Date | null | undefined): Date | null {
  if (!value) return null
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

export function formatDate(value: string | Date | null | undefined): string {
  const date = parse(value)
  return date ? DATE.format(date) : '—'
}

export function formatDateTime(value: string | Date | null | undefined): string {
  const date = parse(value)
  return date ? DATE_TIME.format(date) : '—'
}

export function formatShortDate(value: string | Date | null | undefined): string {
  const date = parse(value)
  return date ? SHORT.format(date) : ''
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date. */
export function formatRelative(value: string | Date | null | undefined, now = new Date()): string {
  const date = parse(value)
  if (!date) return 'never'
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000)
  if (seconds < 0) return `in ${formatDuration(-seconds)}`
  if (seconds < 60) return 'just now'
  if (seconds < 30 * 86400) return `${formatDuration(seconds)} ago`
  return formatDate(date)
}

function formatDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`
  const days = Math.round(seconds / 86400)
  return days === 1 ? '1 day' : `${days} days`
}

export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' ? n.toLocaleString('en-GB') : '—'
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

export function isPast(value: string | null | undefined, now = new Date()): boolean {
  const date = parse(value)
  return date !== null && date.getTime() <= now.getTime()
}

const PROVIDER_NAMES: Record<string, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  github: 'GitHub',
  slack: 'Slack',
  atlassian: 'Atlassian',
  salesforce: 'Salesforce',
  okta: 'Okta',
  notion: 'Notion',
  zoom: 'Zoom',
  dropbox: 'Dropbox',
  box: 'Box',
  hubspot: 'HubSpot',
  asana: 'Asana',
  linear: 'Linear',
  other: 'Other',
}

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider
}

export function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text
}

/** yyyy-mm-dd of a date input -> ISO instant at the end of that local day. */
export function endOfDayIso(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null
  const date = new Date(`${day}T23:59:59`)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** ISO instant -> yyyy-mm-dd for a date input (local day). */
export function toDateInput(value: string | Date | null | undefined): string {
  const date = parse(value)
  if (!date) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
