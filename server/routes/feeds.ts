// Settings of the leaver feeds for owners and admins: SCIM tokens, HR webhook secret, Shared Signals.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import {
  createScimToken,
  getFeedSettings,
  listScimTokens,
  revokeScimToken,
  rotateHrSecret,
  setSsfConfig,
} from '../domain/feeds.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

const SsfConfigBody = z
  .object({
    issuer: z.string().min(1).max(500),
    audience: z.string().min(1).max(500),
    jwksUrl: z.url().startsWith('https://').nullable().default(null),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) })
      .nullable()
      .default(null),
  })
  .strict()
  .refine((v) => v.jwksUrl || v.jwks, 'give jwksUrl or jwks')

export const feeds = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => {
    const settings = await getFeedSettings(c.var.deps.db, c.var.admin.orgId)
    return c.json({
      scimUrl: `${c.var.deps.publicUrl}/scim/v2`,
      hrWebhookUrl: `${c.var.deps.publicUrl}/api/v1/hr/events`,
      ssfPushUrl: `${c.var.deps.publicUrl}/api/v1/ssf/events/${c.var.admin.orgId}`,
      hrSecretSet: Boolean(settings?.hrSecretCiphertext),
      ssf: settings?.ssfIssuer
        ? {
            issuer: settings.ssfIssuer,
            audience: settings.ssfAudience,
            jwksUrl: settings.ssfJwksUrl,
            jwks: settings.ssfJwks,
          }
        : null,
      scimTokens: await listScimTokens(c.var.deps.db, c.var.admin.orgId),
    })
  })
  .post(
    '/scim-tokens',
    canManage,
    validate('json', z.object({ label: z.string().min(1).max(200) }).strict()),
    async (c) =>
      c.json(
        await createScimToken(
          c.var.deps.db,
          actorOf(c),
          c.req.valid('json').label,
          c.var.deps.clock()
        ),
        201
      )
  )
  .delete(
    '/scim-tokens/:id',
    canManage,
    validate('param', z.object({ id: z.uuid() })),
    async (c) => {
      const ok = await revokeScimToken(
        c.var.deps.db,
        actorOf(c),
        c.req.valid('param').id,
        c.var.deps.clock()
      )
      return ok ? c.json({ ok: true }) : apiError(c, 404, 'not_found', 'No such active SCIM token')
    }
  )
  .post('/hr-secret', canManage, async (c) =>
    c.json(
      {
        secret: await rotateHrSecret(
          c.var.deps.db,
          actorOf(c),
          c.var.deps.secretBox,
          c.var.deps.clock()
        ),
      },
      201
    )
  )
  .put('/ssf', canManage, validate('json', SsfConfigBody), async (c) => {
    await setSsfConfig(c.var.deps.db, actorOf(c), c.req.valid('json'), c.var.deps.clock())
    return c.json({ ok: true })
  })
