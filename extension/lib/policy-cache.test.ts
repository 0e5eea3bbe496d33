// The policy cache: fetched with If-None-Match, kept for offline use, absent until the first sync.
import { fakeBrowser } from 'wxt/testing/fake-browser'
import { beforeEach, describe, expect, it } from 'vitest'
import { createEnrollmentStore } from './enrollment.ts'
import { createPolicyCache } from './policy-cache.ts'

const POLICY = {
  byRisk: { low: 'allow', medium: 'warn', high: 'justify', critical: 'block' },
  apps: [],
  updatedAt: '2026-11-23T08:00:00.000Z',
}

describe('policy cache', () => {
  let sentEtags: Array<string | null>
  let online: boolean
  let cache: ReturnType<typeof createPolicyCache>
  beforeEach(async () => {
    fakeBrowser.reset()
    sentEtags = []
    online = true
    const enrollment = createEnrollmentStore(fakeBrowser.storage.local)
    await enrollment.set({
      serverUrl: 'https://c.example',
      credential: 'cdv_x',
      deviceId: 'd',
      orgName: 'Acme',
      email: null,
      enrolledAt: 0,
      state: 'active',
    })
    cache = createPolicyCache({
      storage: fakeBrowser.storage.local,
      enrollment,
      clock: () => 42,
      fetch: async (_url, init) => {
        if (!online) throw new TypeError('Failed to fetch')
        const etag = new Headers(init?.headers).get('if-none-match')
        sentEtags.push(etag)
        return etag === '"v1"'
          ? new Response(null, { status: 304 })
          : Response.json(POLICY, { headers: { etag: '"v1"' } })
      },
    })
  })

  it('has no policy before the first sync (callers use the safe default)', async () => {
    expect(await cache.get()).toBeNull()
  })

  it('fetches, then revalidates with the ETag, and keeps the policy offline', async () => {
    expect(await cache.refresh()).toBe('updated')
    expect(await cache.refresh()).toBe('not_modified')
    expect(sentEtags).toEqual([null, '"v1"'])
    online = false
    expect(await cache.refresh()).toBe('failed')
    expect(await cache.get()).toEqual(POLICY)
    expect(await cache.lastFetchedAt()).toBe(42)
  })
})
