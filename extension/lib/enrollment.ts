// Enrollment: exchange an enrollment token for a device credential, from the options page or from
// the enterprise policy (storage.managed); the result is kept in storage.local.
import type { Storage } from 'webextension-polyfill'
import { EnrollResponse } from '../../shared/api/enrollment.ts'

export interface Enrollment {
  serverUrl: string
  credential: string
  deviceId: string
  orgName: string
  email: string | null
  enrolledAt: number
  /** 'revoked' once the server refuses the credential: IT must enroll the device again. */
  state: 'active' | 'revoked'
}

const KEY = 'enrollment'

export interface EnrollmentStore {
  get(): Promise<Enrollment | null>
  set(value: Enrollment): Promise<void>
  markRevoked(): Promise<void>
}

export function createEnrollmentStore(storage: Storage.StorageArea): EnrollmentStore {
  const store: EnrollmentStore = {
    async get() {
      const value = (await storage.get(KEY))[KEY] as Enrollment | undefined
      return value ?? null
    },
    set: (value) => storage.set({ [KEY]: value }),
    async markRevoked() {
      const current = await store.get()
      if (current) await store.set({ ...current, state: 'revoked' })
    },
  }
  return store
}

/** https://host[:port] with no trailing slash; http only for localhost. Null when unusable. */
export function normalizeServerUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim())
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1'
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return null
    return url.origin + url.pathname.replace(/\/+$/, '')
  } catch {
    return null
  }
}

export type EnrollResult = { ok: true; enrollment: Enrollment } | { ok: false; message: string }

export async function enroll(
  input: {
    serverUrl: string
    token: string
    email: string | null
    browserName: string
    version: string
  },
  deps: { fetch: typeof fetch; store: EnrollmentStore; clock: () => number }
): Promise<EnrollResult> {
  const serverUrl = normalizeServerUrl(input.serverUrl)
  if (!serverUrl)
    return { ok: false, message: 'The server URL must start with https:// (or http://localhost)' }
  let res: Response
  try {
    res = await deps.fetch(`${serverUrl}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: input.token.trim(),
        email: input.email?.trim() || null,
        browser: input.browserName,
        extensionVersion: input.version,
      }),
    })
  } catch {
    return { ok: false, message: `Cannot reach ${serverUrl}` }
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
    return { ok: false, message: body?.error?.message ?? `The server answered ${res.status}` }
  }
  const parsed = EnrollResponse.safeParse(await res.json().catch(() => null))
  if (!parsed.success) return { ok: false, message: 'The server gave an unexpected answer' }
  const enrollment: Enrollment = {
    serverUrl,
    credential: parsed.data.credential,
    deviceId: parsed.data.deviceId,
    orgName: parsed.data.orgName,
    email: input.email?.trim().toLowerCase() || null,
    enrolledAt: deps.clock(),
    state: 'active',
  }
  await deps.store.set(enrollment)
  return { ok: true, enrollment }
}

export interface ManagedConfig {
  serverUrl?: string
  enrollmentToken?: string
  email?: string
}

/** Enroll from the enterprise policy when it names a server and token and we are not enrolled there. */
export async function enrollFromManaged(
  managed: ManagedConfig,
  deps: {
    fetch: typeof fetch
    store: EnrollmentStore
    clock: () => number
    browserName: string
    version: string
  }
): Promise<EnrollResult | null> {
  if (!managed.serverUrl || !managed.enrollmentToken) return null
  const current = await deps.store.get()
  if (
    current &&
    current.state === 'active' &&
    current.serverUrl === normalizeServerUrl(managed.serverUrl)
  )
    return null
  return enroll(
    {
      serverUrl: managed.serverUrl,
      token: managed.enrollmentToken,
      email: managed.email ?? null,
      browserName: deps.browserName,
      version: deps.version,
    },
    deps
  )
}
