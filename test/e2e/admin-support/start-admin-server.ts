// The real server over HTTP with the built admin web app mounted last, as server/app.ts does.
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { createWebRoutes } from '../../../server/routes/web.ts'
import { createTestServer, type TestServer } from '../../support/test-server.ts'

export const ROOT = join(import.meta.dirname, '..', '..', '..')
export const WEB_DIST = join(ROOT, 'server', 'web', 'dist')

export function buildWebApp() {
  execFileSync('npx', ['vite', 'build', '--config', 'server/web/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'pipe',
  })
}

export interface AdminServer {
  server: TestServer
  baseUrl: string
  close(): Promise<void>
}

export async function startAdminServer(): Promise<AdminServer> {
  const server = await createTestServer('pglite', {}, { realClock: true })
  // TODO(2026-06): drop the wrapper once server/app.ts mounts createWebRoutes itself; a second
  // mount is harmless (the first match answers).
  const app = new Hono().route('/', server.app).route('/', createWebRoutes(WEB_DIST))
  let http: ServerType | null = null
  const port = await new Promise<number>((resolve) => {
    http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
  })
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()))
      await server.close()
    },
  }
}
