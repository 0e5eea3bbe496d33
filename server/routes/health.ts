// Liveness (the process answers) and readiness (the database answers).
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'

export function createHealthRoutes(ping: () => Promise<boolean>) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ ok: true }))
    .get('/readyz', async (c) =>
      (await ping())
        ? c.json({ ok: true })
        : c.json(
            {
              ok: false,
              error: { code: 'database_unreachable', message: 'The database does not answer' },
            },
            503
          )
    )
}
