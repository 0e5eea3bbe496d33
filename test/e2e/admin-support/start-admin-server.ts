// The real server over HTTP with the built admin web app mounted last, as server/app.ts does.
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createWebRoutes } from '../../../server/routes/web.ts'
import { createTestServer, type TestServer } from '../../support/test-server.ts'

export const ROOT = join(import.meta.dirname, '..', '..', '..')
export const WEB_DIST = join(ROOT, 'server', 'web', 'dist')

/** The newest modification time among the files under `dir` (skipping build output). */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.'))
      continue
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * Build the admin web app unless the build is newer than its sources. End-to-end files run in
 * parallel: a lock directory makes the second wait for the first build and reuse it, instead of
 * emptying dist/ under a browser that is loading from it.
 */
export function buildWebApp() {
  const lock = join(ROOT, 'server', 'web', '.build-lock')
  const waitUntil = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (Date.now() > waitUntil) throw new Error(`${lock} is held: remove it if no build runs`)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    const index = join(WEB_DIST, 'index.html')
    const sources = Math.max(
      newestMtime(join(ROOT, 'server', 'web')),
      newestMtime(join(ROOT, 'shared'))
    )
    if (existsSync(index) && statSync(index).mtimeMs > sources) return
    execFileSync('npx', ['vite', 'build', '--config', 'server/web/vite.config.ts'], {
      cwd: ROOT,
      stdio: 'pipe',
    })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export interface AdminServer {
  server: TestServer
  baseUrl: string
  close(): Promise<void>
}

/** `jobsEveryMs`: run the background jobs (revocation workers, scheduler) as a server does. */
export async function startAdminServer(
  options: { jobsEveryMs?: number } = {}
): Promise<AdminServer> {
  const server = await createTestServer('pglite', {}, { realClock: true, ...options })
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
