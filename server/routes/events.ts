// POST /api/v1/events: a device's batch of consent and usage events (idempotent, per-event validation).
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { EventBatch } from '../../shared/api/events.ts'
import type { AppEnv } from '../app-env.ts'
import { ingestEvents } from '../domain/ingest-events.ts'
import { hitRateLimit } from '../domain/rate-limit.ts'
import { requireDevice } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

export function createEventRoutes(maxBytes: number) {
  return new Hono<AppEnv>().post(
    '/',
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        apiError(c, 413, 'payload_too_large', `A batch may be at most ${maxBytes} bytes`),
    }),
    requireDevice,
    async (c, next) => {
      const { db, clock, limits } = c.var.deps
      const limit = await hitRateLimit(
        db,
        `ingest:${c.var.device.deviceId}`,
        limits.ingestPerDevicePerMinute,
        60_000,
        clock()
      )
      if (!limit.allowed) {
        c.header('Retry-After', String(limit.retryAfterSeconds))
        return apiError(c, 429, 'rate_limited', 'Too many batches from this device; retry later')
      }
      await next()
    },
    validate('json', EventBatch),
    async (c) =>
      c.json(
        await ingestEvents(
          c.var.deps.db,
          c.var.device,
          c.req.valid('json').events,
          c.var.deps.clock()
        )
      )
  )
}
