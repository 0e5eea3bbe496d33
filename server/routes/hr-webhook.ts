// POST /api/v1/hr/events: leavers pushed by an HR system, HMAC-signed per organisation (the
// contract is in domain/hr-events.ts). 202 applied, 200 duplicate, 400/401/403/409 refused.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env.ts'
import {
  applyHrEvent,
  authenticateHrDelivery,
  HrEventJson,
  type HrAuthErrorCode,
} from '../domain/hr-events.ts'
import { apiError } from '../middleware/errors.ts'
import { limitFeed } from '../middleware/limit-feed.ts'
import { describeZodError } from '../middleware/validate.ts'

const MAX_BYTES = 64 * 1024

const AUTH_STATUS: Record<HrAuthErrorCode, 400 | 401 | 403> = {
  invalid_org: 400,
  invalid_encoding: 400,
  hr_feed_not_configured: 403,
  missing_signature: 401,
  invalid_timestamp: 401,
  stale_timestamp: 401,
  invalid_signature: 401,
}

export const hrWebhook = new Hono<AppEnv>().post(
  '/',
  limitFeed(
    'hr',
    (c) => c.req.header('x-consentry-org'),
    (c, seconds) =>
      apiError(c, 429, 'rate_limited', `Too many HR deliveries: retry in ${seconds} s`)
  ),
  bodyLimit({
    maxSize: MAX_BYTES,
    onError: (c) =>
      apiError(c, 413, 'payload_too_large', `An HR event may be at most ${MAX_BYTES} bytes`),
  }),
  async (c) => {
    const auth = await authenticateHrDelivery(c.var.deps, {
      orgId: c.req.header('x-consentry-org'),
      timestamp: c.req.header('x-consentry-timestamp'),
      signature: c.req.header('x-consentry-signature'),
      body: new Uint8Array(await c.req.arrayBuffer()),
    })
    if (!auth.ok) {
      c.var.deps.log.warn('hr: delivery refused', { requestId: c.var.requestId, code: auth.code })
      return apiError(c, AUTH_STATUS[auth.code], auth.code, auth.message)
    }
    const event = HrEventJson.safeParse(auth.body)
    if (!event.success)
      return apiError(c, 400, 'invalid_request', `body: ${describeZodError(event.error)}`)
    const result = await applyHrEvent(c.var.deps.db, auth.orgId, event.data, c.var.deps.clock())
    if (result === 'conflict')
      return apiError(
        c,
        409,
        'event_id_reused',
        `Event id ${event.data.id} was already used for a different event`
      )
    return result === 'duplicate'
      ? c.json({ accepted: true, duplicate: true }, 200)
      : c.json({ accepted: true }, 202)
  }
)
