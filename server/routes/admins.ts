// Admin accounts of the organisation: listed by any admin, created by the owner.
import { Hono } from 'hono'
import { CreateAdmin } from '../../shared/api/admin.ts'
import type { AppEnv } from '../app-env.ts'
import { createAdmin, listAdmins, updateAdmin } from '../domain/admin-auth.ts'
import { UpdateAdmin } from '../../shared/api/governance.ts'
import { z } from 'zod'
import { requireAdmin, requireRole } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

export const admins = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => c.json({ items: await listAdmins(c.var.deps.db, c.var.admin.orgId) }))
  .post('/', requireRole('owner'), validate('json', CreateAdmin), async (c) => {
    const result = await createAdmin(
      c.var.deps.db,
      c.var.admin,
      c.req.valid('json'),
      c.var.deps.clock()
    )
    return result.ok
      ? c.json({ id: result.id }, 201)
      : apiError(c, 409, 'email_taken', 'An admin with this email exists')
  })
  .patch(
    '/:id',
    requireRole('owner'),
    validate('param', z.object({ id: z.uuid() })),
    validate('json', UpdateAdmin),
    async (c) => {
      const result = await updateAdmin(
        c.var.deps.db,
        c.var.admin,
        c.req.valid('param').id,
        c.req.valid('json'),
        c.var.deps.clock()
      )
      if (result.ok) return c.json({ ok: true })
      if (result.reason === 'not_found') return apiError(c, 404, 'not_found', 'No such admin')
      return apiError(
        c,
        409,
        result.reason,
        result.reason === 'self'
          ? 'You cannot change your own role or disable yourself'
          : 'The organisation needs at least one active owner'
      )
    }
  )
