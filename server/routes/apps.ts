// The AI-app inventory: list with filters and sort, one app in detail, and its sanction.
import { Hono } from 'hono'
import { z } from 'zod'
import { SanctionApp } from '../../shared/api/governance.ts'
import { ListAppsQuery } from '../../shared/api/inventory.ts'
import type { AppEnv } from '../app-env.ts'
import { getApp, listApps } from '../db/queries/inventory.ts'
import { sanctionApp } from '../domain/apps.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

const IdParam = z.object({ id: z.uuid() })

export const appsRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', validate('query', ListAppsQuery), async (c) =>
    c.json({
      items: await listApps(c.var.deps.db, {
        tenantId: c.var.admin.orgId,
        now: c.var.deps.clock(),
        ...c.req.valid('query'),
      }),
    })
  )
  .get('/:id', validate('param', IdParam), async (c) => {
    const app = await getApp(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      appId: c.req.valid('param').id,
      now: c.var.deps.clock(),
    })
    return app ? c.json(app) : apiError(c, 404, 'not_found', 'No such app')
  })
  .put(
    '/:id/sanction',
    canManage,
    validate('param', IdParam),
    validate('json', SanctionApp),
    async (c) => {
      const { db, clock } = c.var.deps
      const id = c.req.valid('param').id
      const ok = await sanctionApp(db, actorOf(c), id, c.req.valid('json'), clock())
      if (!ok) return apiError(c, 404, 'not_found', 'No such app')
      return c.json(await getApp(db, { tenantId: c.var.admin.orgId, appId: id, now: clock() }))
    }
  )
