// The shared sender maps every provider outcome the same way.
import { describe, expect, it } from 'vitest'
import { retryAfterMs, sendProviderRequest } from './send-provider-request.ts'

const now = new Date('2026-11-23T09:00:00Z')
const reply =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  async () =>
    new Response(body === null ? null : JSON.stringify(body), { status, headers })

describe('sendProviderRequest', () => {
  it.each([
    [
      'a 2xx with its JSON and request id',
      reply(200, { a: 1 }, { 'request-id': 'r-1' }),
      { ok: true, value: { a: 1 }, requestId: 'r-1' },
    ],
    [
      '429 with Retry-After seconds',
      reply(429, { error: { message: 'slow down' } }, { 'retry-after': '7' }),
      { ok: false, kind: 'rate_limited', retryAfterMs: 7000, message: 'slow down' },
    ],
    [
      "GitHub's 403 with the rate limit exhausted",
      reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now.getTime() / 1000 + 60) }
      ),
      { ok: false, kind: 'rate_limited', retryAfterMs: 60_000 },
    ],
    [
      'a 503 as transient',
      reply(503, { error: 'backend' }),
      { ok: false, kind: 'transient', status: 503 },
    ],
    [
      'a 403 as permanent, with the provider message',
      reply(403, { errorSummary: 'Invalid token provided' }),
      { ok: false, kind: 'permanent', message: 'Invalid token provided' },
    ],
    [
      'an OAuth error body',
      reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT' }),
      { ok: false, kind: 'permanent', message: 'invalid_grant: Invalid JWT' },
    ],
  ] as const)('maps %s', async (_name, fetch, expected) => {
    expect(
      await sendProviderRequest(
        { method: 'GET', url: 'https://x.example/' },
        { fetch: fetch as typeof globalThis.fetch, clock: () => now }
      )
    ).toMatchObject(expected)
  })

  it('counts a 404 on delete as already gone', async () => {
    const result = await sendProviderRequest(
      { method: 'DELETE', url: 'https://x.example/1' },
      { fetch: reply(404, { error: 'nope' }) as typeof fetch, notFoundIsGone: true }
    )
    expect(result).toMatchObject({ ok: true, value: 'gone' })
  })

  it('calls a network failure transient', async () => {
    const result = await sendProviderRequest(
      { method: 'GET', url: 'https://x.example/' },
      {
        fetch: (async () => {
          throw new TypeError('connect ECONNREFUSED')
        }) as typeof fetch,
      }
    )
    expect(result).toMatchObject({ ok: false, kind: 'transient', status: 0 })
  })

  it('reads Retry-After as an HTTP date', () => {
    expect(
      retryAfterMs(
        new Headers({ 'retry-after': new Date(now.getTime() + 5000).toUTCString() }),
        now
      )
    ).toBe(5000)
  })
})
