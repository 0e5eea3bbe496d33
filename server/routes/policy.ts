// The consent policy: read by devices (with ETag) and admins; changed by owners and admins.
import { Hono } from 'hono'
import { z } from 'zod'
import { RiskPolicy, SetAppPolicy } from '../../shared/api/policy.ts'
import type { AppEnv } from '../app-env.ts'
import { getPolicy, setAppPolicy, setRiskPolicy } from '../domain/policy.ts'
import { canManage, requireAdmin, requireDevice } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

export const devicePolicy = new Hono<AppEnv>().get('/', requireDevice, async (c) => {
  const { policy, etag } = await getPolicy(c.var.deps.db, c.var.device.orgId, c.var.device.personId)
  c.header('ETag', etag)
  c.header('Cache-Control', 'private, no-cache')
  if (c.req.header('if-none-match') === etag) return c.body(null, 304)
  return c.json(policy)
})

export const adminPolicy = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => c.json((await getPolicy(c.var.deps.db, c.var.admin.orgId)).policy))
  .put('/risk', canManage, validate('json', RiskPolicy), async (c) => {
    await setRiskPolicy(c.var.deps.db, actorOf(c), c.req.valid('json'), c.var.deps.clock())
    return c.json((await getPolicy(c.var.deps.db, c.var.admin.orgId)).policy)
  })
  .put(
    '/apps/:appId',
    canManage,
    validate('param', z.object({ appId: z.uuid() })),
    validate('json', SetAppPolicy),
    async (c) => {
      const ok = await setAppPolicy(
        c.var.deps.db,
        actorOf(c),
        c.req.valid('param').appId,
        c.req.valid('json').action,
        c.var.deps.clock()
      )
      return ok
        ? c.json((await getPolicy(c.var.deps.db, c.var.admin.orgId)).policy)
        : apiError(c, 404, 'not_found', 'No such app')
    }
  )
