// Provider connections: credentials entered once (sealed, never shown again), and a test call.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { listConnections, saveConnection, testConnection } from '../domain/connections.ts'
import { PROVIDER_IDS } from '../providers/types.ts'
import { connectionForms } from '../providers/connection-forms.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

const ProviderParam = z.object({ provider: z.enum(PROVIDER_IDS) })
const SaveBody = z
  .object({
    credentials: z.record(z.string(), z.unknown()),
    baseUrls: z.record(z.string(), z.url()).optional(),
    requestsPerSecond: z.number().int().min(1).max(1000).optional(),
  })
  .strict()

export const connections = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => c.json({ items: await listConnections(c.var.deps.db, c.var.admin.orgId) }))
  .get('/providers', (c) => c.json({ items: connectionForms() }))
  .put(
    '/:provider',
    canManage,
    validate('param', ProviderParam),
    validate('json', SaveBody),
    async (c) => {
      const { provider } = c.req.valid('param')
      const result = await saveConnection(
        c.var.deps.db,
        actorOf(c),
        { provider, ...c.req.valid('json') },
        c.var.deps.secretBox,
        c.var.deps.clock()
      )
      return result.ok ? c.json({ ok: true }) : apiError(c, 400, 'invalid_request', result.message)
    }
  )
  .post('/:provider/test', canManage, validate('param', ProviderParam), async (c) => {
    const result = await testConnection(c.var.deps, actorOf(c), c.req.valid('param').provider)
    return result ? c.json(result) : apiError(c, 404, 'not_found', 'This provider is not connected')
  })
