// The shared sender maps every provider outcome the same way.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_READ_RETRY,
  readRetryDelayMs,
  retryAfterMs,
  sendProviderRequest,
  type ProviderRequest,
} from './send-provider-request.ts'

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
        retry: { attempts: 1, baseMs: 0 },
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

  describe('read retries', () => {
    /** A fetch answering the scripted statuses in turn (0: a network error), counting calls. */
    function scripted(...statuses: number[]) {
      const calls: string[] = []
      const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push(`${init?.method} ${String(input)}`)
        const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 200
        if (status === 0) throw new TypeError('fetch failed')
        return new Response(JSON.stringify(status < 300 ? { n: calls.length } : { error: 'x' }), {
          status,
        })
      }) as typeof globalThis.fetch
      return { fetch, calls }
    }
    function waits() {
      const slept: number[] = []
      return { slept, sleep: async (ms: number) => void slept.push(ms) }
    }
    const get: ProviderRequest = { method: 'GET', url: 'https://x.example/list' }

    it('sends a GET again after a 5xx and a network error, backing off with jitter', async () => {
      const { fetch, calls } = scripted(503, 0, 200)
      const { slept, sleep } = waits()
      const result = await sendProviderRequest(get, {
        fetch,
        retry: { attempts: 3, baseMs: 100, sleep, random: () => 0.5 },
      })
      expect(result).toMatchObject({ ok: true, value: { n: 3 } })
      expect(calls).toEqual([
        'GET https://x.example/list',
        'GET https://x.example/list',
        'GET https://x.example/list',
      ])
      expect(slept).toEqual([75, 150])
    })

    it('gives up after its attempts with the last failure', async () => {
      const { fetch, calls } = scripted(500, 502, 504, 200)
      const { slept, sleep } = waits()
      const result = await sendProviderRequest(get, {
        fetch,
        retry: { ...DEFAULT_READ_RETRY, sleep },
      })
      expect(result).toMatchObject({ ok: false, kind: 'transient', status: 504 })
      expect(calls).toHaveLength(DEFAULT_READ_RETRY.attempts)
      expect(slept).toHaveLength(DEFAULT_READ_RETRY.attempts - 1)
    })

    it.each([
      ['a 429', 429, 'rate_limited'],
      ['a 403', 403, 'permanent'],
    ] as const)(
      'does not retry %s (the job engine waits for rate limits)',
      async (_n, status, kind) => {
        const { fetch, calls } = scripted(status, 200)
        const { sleep } = waits()
        const result = await sendProviderRequest(get, {
          fetch,
          retry: { attempts: 3, baseMs: 1, sleep },
        })
        expect(result).toMatchObject({ ok: false, kind })
        expect(calls).toHaveLength(1)
      }
    )

    it.each(['DELETE', 'POST', 'PATCH', 'PUT'] as const)(
      'never sends a %s twice, whatever the retry policy says',
      async (method) => {
        for (const status of [503, 0]) {
          const { fetch, calls } = scripted(status, 200)
          const { slept, sleep } = waits()
          const result = await sendProviderRequest(
            { method, url: 'https://x.example/grant/1' },
            { fetch, notFoundIsGone: true, retry: { attempts: 5, baseMs: 1, sleep } }
          )
          expect(result).toMatchObject({ ok: false, kind: 'transient' })
          expect(calls).toEqual([`${method} https://x.example/grant/1`])
          expect(slept).toEqual([])
        }
      }
    )

    it('retries a POST marked idempotent (a read, as Slack sends them)', async () => {
      const { fetch, calls } = scripted(503, 200)
      const { sleep } = waits()
      const result = await sendProviderRequest(
        { method: 'POST', url: 'https://x.example/api/admin.apps.approved.list', idempotent: true },
        { fetch, retry: { attempts: 3, baseMs: 1, sleep } }
      )
      expect(result).toMatchObject({ ok: true })
      expect(calls).toHaveLength(2)
    })

    it('waits between half and all of the doubling ceiling', () => {
      const policy = { attempts: 4, baseMs: 200 }
      expect(readRetryDelayMs({ ...policy, random: () => 0 }, 1)).toBe(100)
      expect(readRetryDelayMs({ ...policy, random: () => 0.999999 }, 1)).toBe(199)
      expect(readRetryDelayMs({ ...policy, random: () => 0 }, 3)).toBe(400)
      expect(readRetryDelayMs({ ...policy, random: () => 0.999999 }, 3)).toBe(799)
    })

    it('really waits by default, briefly', async () => {
      const { fetch, calls } = scripted(503, 200)
      const started = Date.now()
      expect(await sendProviderRequest(get, { fetch })).toMatchObject({ ok: true })
      expect(calls).toHaveLength(2)
      const waited = Date.now() - started
      expect(waited).toBeGreaterThanOrEqual(DEFAULT_READ_RETRY.baseMs / 2 - 5)
      expect(waited).toBeLessThan(2_000)
    })
  })
})
