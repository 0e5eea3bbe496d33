// POST /api/v1/ssf/events/:orgId: Security Event Tokens pushed by the organisation's Shared
// Signals transmitter (RFC 8935). The organisation is in the URL, which is what a transmitter's
// stream configuration holds. 202 with no body, 400 {err, description} per RFC 8935 §2.3, or 503
// when the transmitter's JWKS cannot be fetched (the transmitter retries).
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env.ts'
import type { Deps } from '../deps.ts'
import { receiveSecurityEvent } from '../domain/security-events.ts'
import { createSsfKeySets, type SsfKeySets } from '../domain/ssf-key-sets.ts'
import { limitFeed } from '../middleware/limit-feed.ts'

const MAX_BYTES = 64 * 1024

// The JWKS cache lives as long as the app's deps (one per createApp), never across apps.
const keySets = new WeakMap<Deps, SsfKeySets>()
function keySetsOf(deps: Deps): SsfKeySets {
  let sets = keySets.get(deps)
  if (!sets) keySets.set(deps, (sets = createSsfKeySets(deps.fetch)))
  return sets
}

export const ssfReceiver = new Hono<AppEnv>().post(
  '/:orgId',
  // RFC 8935 has no rate-limit error: 429 with Retry-After, as HTTP gives it; transmitters retry.
  limitFeed(
    'ssf',
    (c) => c.req.param('orgId'),
    (c, seconds) =>
      c.json({ err: 'rate_limited', description: `Too many SETs: retry in ${seconds} s` }, 429)
  ),
  bodyLimit({
    maxSize: MAX_BYTES,
    onError: (c) =>
      c.json(
        { err: 'invalid_request', description: `A SET may be at most ${MAX_BYTES} bytes` },
        413
      ),
  }),
  async (c) => {
    const { deps } = c.var
    const result = await receiveSecurityEvent(
      { ...deps, keys: keySetsOf(deps) },
      {
        orgId: c.req.param('orgId'),
        contentType: c.req.header('content-type'),
        token: await c.req.text(),
      }
    )
    if (result.ok) return c.body(null, 202)
    deps.log.warn('ssf: SET refused', {
      requestId: c.var.requestId,
      orgId: c.req.param('orgId'),
      ...result,
    })
    if (result.err === 'keys_unavailable') {
      c.header('Retry-After', '60')
      return c.json({ error: { code: 'keys_unavailable', message: result.description } }, 503)
    }
    return c.json({ err: result.err, description: result.description }, 400)
  }
)
