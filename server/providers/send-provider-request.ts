// The one sender every connector uses: JSON in and out, request ids, and the mapping of HTTP
// outcomes to ProviderResult (429 with Retry-After or the provider's rate-limit headers, 5xx and
// network errors as transient, 404 on DELETE as already gone). Reads (GET) that fail transiently
// are tried again here, a few times with backoff; writes never are (the job engine retries them).
import type { ProviderResult } from './types.ts'

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT'
  url: string
  headers?: Record<string, string>
  /** JSON body, or a URLSearchParams for form posts (token endpoints). */
  body?: unknown
  /** A read sent as POST (Slack's Web API): retried like a GET. Never set it on a write. */
  idempotent?: boolean
}

const REQUEST_ID_HEADERS = [
  'request-id',
  'x-request-id',
  'x-ms-request-id',
  'x-github-request-id',
  'x-okta-request-id',
  'x-slack-req-id',
  'x-goog-request-id',
]

function requestIdOf(headers: Headers): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name)
    if (value) return value.slice(0, 200)
  }
  return null
}

/** Milliseconds to wait, from Retry-After (seconds or HTTP date) or reset headers (epoch seconds). */
export function retryAfterMs(headers: Headers, now: Date): number {
  const retryAfter = headers.get('retry-after')
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - now.getTime())
  }
  // GitHub: x-ratelimit-reset; Okta: x-rate-limit-reset (epoch seconds).
  const reset = headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset')
  if (reset && Number.isFinite(Number(reset)))
    return Math.max(0, Number(reset) * 1000 - now.getTime())
  return 30_000
}

function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>
    const err = b.error as Record<string, unknown> | string | undefined
    if (typeof err === 'string')
      return typeof b.error_description === 'string' ? `${err}: ${b.error_description}` : err
    if (err && typeof err.message === 'string') return err.message
    if (typeof b.message === 'string') return b.message
    if (typeof b.errorSummary === 'string') return b.errorSummary
  }
  return `HTTP ${status}`
}

/** How a read that failed with a 5xx, 408 or network error is tried again. */
export interface ReadRetry {
  /** Tries in all, the first included (1: no retry). */
  attempts: number
  /** Backoff before the n-th retry: between half and all of baseMs * 2^(n-1). */
  baseMs: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Short, so a job's attempt is not held up long: at 20% 5xx, three tries leave 0.8% of reads
 * failing, and a job whose attempt needs fifteen reads (Microsoft) seldom fails for them.
 */
export const DEFAULT_READ_RETRY: ReadRetry = { attempts: 3, baseMs: 100 }

export interface SendOptions {
  fetch: typeof fetch
  clock?: () => Date
  /** For DELETE: a 404 means the thing is already gone. */
  notFoundIsGone?: boolean
  /** Reads only (GET, or marked idempotent); DEFAULT_READ_RETRY unless given. Writes are sent once. */
  retry?: ReadRetry
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Backoff with jitter before retry `n` (1-based): between half and all of baseMs * 2^(n-1). */
export function readRetryDelayMs(retry: ReadRetry, n: number): number {
  const ceiling = retry.baseMs * 2 ** (n - 1)
  return Math.floor(ceiling / 2 + (retry.random ?? Math.random)() * (ceiling / 2))
}

/**
 * Send a request. `value` is the parsed JSON body (null when empty), or 'gone' for a 404'd delete.
 * A read (GET, or a request marked idempotent) that fails transiently is sent again, each try
 * through opts.fetch (so a paced fetch paces every try); a write is sent exactly once.
 */
export async function sendProviderRequest<T = unknown>(
  req: ProviderRequest,
  opts: SendOptions
): Promise<ProviderResult<T | 'gone'>> {
  const retry = opts.retry ?? DEFAULT_READ_RETRY
  const attempts = req.method === 'GET' || req.idempotent ? Math.max(1, retry.attempts) : 1
  for (let n = 1; ; n++) {
    const result = await sendOnce<T>(req, opts)
    if (result.ok || result.kind !== 'transient' || n >= attempts) return result
    await (retry.sleep ?? realSleep)(readRetryDelayMs(retry, n))
  }
}

async function sendOnce<T>(
  req: ProviderRequest,
  opts: SendOptions
): Promise<ProviderResult<T | 'gone'>> {
  const now = (opts.clock ?? (() => new Date()))()
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers }
  let body: string | undefined
  if (req.body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = req.body.toString()
  } else if (req.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(req.body)
  }
  let res: Response
  try {
    res = await opts.fetch(req.url, {
      method: req.method,
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    return {
      ok: false,
      kind: 'transient',
      status: 0,
      message: `network error: ${(error as Error).message}`,
      requestId: null,
    }
  }
  const requestId = requestIdOf(res.headers)
  const text = await res.text().catch(() => '')
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = text.slice(0, 500)
  }
  if (res.status === 404 && opts.notFoundIsGone)
    return { ok: true, value: 'gone', status: 404, requestId }
  // Rate limits that arrive as 403: GitHub's primary (x-ratelimit-remaining: 0) and secondary
  // (Retry-After) limits, and Google's userRateLimitExceeded / quotaExceeded / rateLimitExceeded.
  const exhausted =
    res.headers.get('x-ratelimit-remaining') === '0' ||
    res.headers.get('x-rate-limit-remaining') === '0'
  const reason = (parsed as { error?: { errors?: Array<{ reason?: string }> } } | null)?.error
    ?.errors?.[0]?.reason
  const googleLimited =
    reason === 'userRateLimitExceeded' ||
    reason === 'quotaExceeded' ||
    reason === 'rateLimitExceeded'
  const limited403 =
    res.status === 403 && (exhausted || googleLimited || res.headers.has('retry-after'))
  if (res.status === 429 || limited403) {
    return {
      ok: false,
      kind: 'rate_limited',
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers, now),
      message: errorMessage(parsed, res.status),
      requestId,
    }
  }
  if (res.status >= 500 || res.status === 408) {
    return {
      ok: false,
      kind: 'transient',
      status: res.status,
      message: errorMessage(parsed, res.status),
      requestId,
    }
  }
  if (!res.ok)
    return {
      ok: false,
      kind: 'permanent',
      status: res.status,
      message: errorMessage(parsed, res.status),
      requestId,
    }
  return { ok: true, value: parsed as T, status: res.status, requestId }
}
