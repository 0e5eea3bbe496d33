// The admin inventory: apps, grants (cursor-paginated), people, and summary counts.
import { Hono } from 'hono'
import { z } from 'zod'
import { ListGrantsQuery, ListPeopleQuery } from '../../shared/api/inventory.ts'
import type { AppEnv } from '../app-env.ts'
import { getPerson, getSummary, listGrants, listPeople } from '../db/queries/inventory.ts'
import { requireAdmin, requireRole } from '../middleware/auth.ts'
import { UpdatePerson } from '../../shared/api/people.ts'
import { updatePerson } from '../domain/update-person.ts'
import { countLeaversWithLiveGrants } from '../domain/offboarding-case.ts'
import { countFailedRevocations } from '../db/queries/revocation-jobs.ts'
import { countAuditActions } from '../db/queries/audit.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

const IdParam = z.object({ id: z.uuid() })

export const grantsRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', validate('query', ListGrantsQuery), async (c) => {
    const result = await listGrants(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      ...c.req.valid('query'),
    })
    if (!result.ok)
      return apiError(c, 400, 'invalid_request', 'query: cursor is not one this server issued')
    return c.json({ items: result.items, nextCursor: result.nextCursor })
  })

export const peopleRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', validate('query', ListPeopleQuery), async (c) =>
    c.json({
      items: await listPeople(c.var.deps.db, {
        tenantId: c.var.admin.orgId,
        ...c.req.valid('query'),
      }),
    })
  )
  .get('/:id', validate('param', IdParam), async (c) => {
    const person = await getPerson(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      personId: c.req.valid('param').id,
    })
    return person ? c.json(person) : apiError(c, 404, 'not_found', 'No such person')
  })
  .patch(
    '/:id',
    requireRole('owner', 'admin', 'offboarding'),
    validate('param', IdParam),
    validate('json', UpdatePerson),
    async (c) => {
      const key = { tenantId: c.var.admin.orgId, personId: c.req.valid('param').id }
      const actor = { orgId: key.tenantId, adminId: c.var.admin.adminId }
      const db = c.var.deps.db
      const updated = await updatePerson(
        db,
        actor,
        key.personId,
        c.req.valid('json'),
        c.var.deps.clock()
      )
      const person = updated && (await getPerson(db, key))
      return person ? c.json(person) : apiError(c, 404, 'not_found', 'No such person')
    }
  )

export const summaryRoutes = new Hono<AppEnv>().use(requireAdmin).get('/', async (c) => {
  const p = { tenantId: c.var.admin.orgId, now: c.var.deps.clock() }
  return c.json({
    ...(await getSummary(c.var.deps.db, p)),
    leaversWithLiveGrants: await countLeaversWithLiveGrants(c.var.deps.db, p),
    failedRevocations: await countFailedRevocations(c.var.deps.db, p.tenantId),
    reappearedGrants: await countAuditActions(c.var.deps.db, {
      tenantId: p.tenantId,
      action: 'grant.reappeared',
      since: new Date(p.now.getTime() - 30 * 86_400_000),
    }),
  })
})
