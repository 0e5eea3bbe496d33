// The organisation's policy, cached with its ETag in storage.local: usable offline, and a safe
// built-in default until the first sync.
import type { Storage } from 'webextension-polyfill'
import { Policy } from '../../shared/api/policy.ts'
import type { EnrollmentStore } from './enrollment.ts'

interface Cached {
  policy: Policy
  etag: string | null
  fetchedAt: number
}

const KEY = 'policy'

export function createPolicyCache(deps: {
  storage: Storage.StorageArea
  enrollment: EnrollmentStore
  fetch: typeof fetch
  clock: () => number
}) {
  async function cached(): Promise<Cached | null> {
    return ((await deps.storage.get(KEY))[KEY] as Cached | undefined) ?? null
  }
  return {
    /** The last policy the server gave, or null (callers then use the built-in default). */
    async get(): Promise<Policy | null> {
      return (await cached())?.policy ?? null
    },
    async lastFetchedAt(): Promise<number | null> {
      return (await cached())?.fetchedAt ?? null
    },
    async refresh(): Promise<'updated' | 'not_modified' | 'not_enrolled' | 'failed'> {
      const enrollment = await deps.enrollment.get()
      if (!enrollment || enrollment.state !== 'active') return 'not_enrolled'
      const current = await cached()
      let res: Response
      try {
        res = await deps.fetch(`${enrollment.serverUrl}/api/v1/policy`, {
          headers: {
            authorization: `Bearer ${enrollment.credential}`,
            ...(current?.etag ? { 'if-none-match': current.etag } : {}),
          },
        })
      } catch {
        return 'failed'
      }
      if (res.status === 304 && current) {
        await deps.storage.set({ [KEY]: { ...current, fetchedAt: deps.clock() } })
        return 'not_modified'
      }
      if (res.status === 401) {
        await deps.enrollment.markRevoked()
        return 'failed'
      }
      if (!res.ok) return 'failed'
      const parsed = Policy.safeParse(await res.json().catch(() => null))
      if (!parsed.success) return 'failed'
      await deps.storage.set({
        [KEY]: { policy: parsed.data, etag: res.headers.get('etag'), fetchedAt: deps.clock() },
      })
      return 'updated'
    },
  }
}
export type PolicyCache = ReturnType<typeof createPolicyCache>
