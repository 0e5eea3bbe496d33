// The admin web app: built files from server/web/dist, and index.html for client-side routes.
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AppEnv } from '../app-env.ts'

/** Paths the API and server pages own: never answered with the web app. */
const SERVER_PATHS = /^\/(api|scim)(\/|$)|^\/(healthz|readyz|setup)(\/|$)/

const IMMUTABLE = 'public, max-age=31536000, immutable'

export function createWebRoutes(distDir: string) {
  // Vite names every file under assets/ by its content hash: they never change, cache them long.
  const assets = serveStatic<AppEnv>({ root: distDir })
  const files = serveStatic<AppEnv>({ root: distDir, index: 'index.html' })

  return new Hono<AppEnv>().get('*', async (c, next) => {
    const path = c.req.path
    if (SERVER_PATHS.test(path)) return next()
    if (path.startsWith('/assets/')) {
      c.header('Cache-Control', IMMUTABLE)
      const found = await assets(c, async () => {})
      if (found) return found
      // A missing hashed asset is a stale page or a bad build, not a client route.
      c.header('Cache-Control', 'no-store')
      return c.text('Not found', 404)
    }
    if (path !== '/' && path !== '/index.html' && /\.[a-z0-9]+$/i.test(path)) {
      // Other files at the root (favicon.svg): short cache, revalidated.
      c.header('Cache-Control', 'public, max-age=300, must-revalidate')
      const found = await files(c, async () => {})
      if (found) return found
      c.header('Cache-Control', 'no-store')
      return c.text('Not found', 404)
    }
    let html: string
    try {
      html = await readFile(join(distDir, 'index.html'), 'utf8')
    } catch {
      return c.text('The admin web app is not built. Run `npm run build:web` and reload.', 503, {
        'Cache-Control': 'no-store',
      })
    }
    c.header('Cache-Control', 'no-cache')
    return c.html(html)
  })
}
