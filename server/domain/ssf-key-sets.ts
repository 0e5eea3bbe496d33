// The signing keys of each organisation's Shared Signals transmitter: its JWKS URL fetched through
// the injected fetch and cached by jose (refetched when a new kid appears), or a JWKS given inline.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose'

/** The keys could not be had (JWKS URL down, not a JWKS): our side's problem, worth a retry. */
export class KeySetUnavailable extends Error {}

export interface SsfKeySource {
  jwksUrl: string | null
  jwks: { keys: unknown[] } | null
}

export interface SsfKeySets {
  forOrg(orgId: string, source: SsfKeySource): JWTVerifyGetKey
}

export interface SsfKeySetOptions {
  /** How long a fetched JWKS is used before it is fetched again. */
  cacheMaxAgeMs?: number
  /** Least time between two fetches (an unknown kid refetches at most this often). */
  cooldownMs?: number
  timeoutMs?: number
}

export function createSsfKeySets(
  fetchImpl: typeof fetch,
  { cacheMaxAgeMs = 5 * 60_000, cooldownMs = 30_000, timeoutMs = 5_000 }: SsfKeySetOptions = {}
): SsfKeySets {
  // One entry per organisation, replaced when its configuration changes.
  const cache = new Map<string, { source: string; getKey: JWTVerifyGetKey }>()
  return {
    forOrg(orgId, { jwksUrl, jwks }) {
      const source = jwksUrl ?? JSON.stringify(jwks)
      const hit = cache.get(orgId)
      if (hit?.source === source) return hit.getKey
      const getKey = guard(() =>
        jwksUrl
          ? createRemoteJWKSet(new URL(jwksUrl), {
              cacheMaxAge: cacheMaxAgeMs,
              cooldownDuration: cooldownMs,
              timeoutDuration: timeoutMs,
              [customFetch]: fetchImpl,
            })
          : createLocalJWKSet((jwks ?? { keys: [] }) as JSONWebKeySet)
      )
      cache.set(orgId, { source, getKey })
      return getKey
    },
  }
}

/** "No such key" stays the sender's error; any other failure to get keys becomes ours. */
function guard(create: () => JWTVerifyGetKey): JWTVerifyGetKey {
  let set: JWTVerifyGetKey | null = null
  return async (header, token) => {
    try {
      set ??= create()
      return await set(header, token)
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys)
        throw e
      throw new KeySetUnavailable(`transmitter keys unavailable: ${(e as Error).message}`, {
        cause: e,
      })
    }
  }
}
