// Outgoing alert webhooks (owner only): create (the signing secret is shown once), disable, log.
import { Hono } from 'hono'
import { z } from 'zod'
import { CreateWebhook } from '../../shared/api/governance.ts'
import type { AppEnv } from '../app-env.ts'
import { createWebhook, disableWebhook, listDeliveries, listWebhooks } from '../domain/webhooks.ts'
import { requireAdmin, requireRole } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

const IdParam = z.object({ id: z.uuid() })

export const webhooksRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => c.json({ items: await listWebhooks(c.var.deps.db, c.var.admin.orgId) }))
  .post('/', requireRole('owner'), validate('json', CreateWebhook), async (c) =>
    c.json(
      await createWebhook(
        c.var.deps.db,
        actorOf(c),
        c.req.valid('json'),
        c.var.deps.secretBox,
        c.var.deps.clock()
      ),
      201
    )
  )
  .delete('/:id', requireRole('owner'), validate('param', IdParam), async (c) => {
    const ok = await disableWebhook(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('param').id,
      c.var.deps.clock()
    )
    return ok ? c.json({ ok: true }) : apiError(c, 404, 'not_found', 'No such active webhook')
  })
  .get('/:id/deliveries', validate('param', IdParam), async (c) =>
    c.json({
      items: await listDeliveries(c.var.deps.db, c.var.admin.orgId, c.req.valid('param').id),
    })
  )
