// createApp(deps): the whole HTTP API, mounted resource by resource.
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { requestId } from 'hono/request-id'
import { NONCE, secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './app-env.ts'
import type { Deps } from './deps.ts'
import { onError } from './middleware/errors.ts'
import { admins } from './routes/admins.ts'
import { audit } from './routes/audit.ts'
import { auth } from './routes/auth.ts'
import { device } from './routes/device.ts'
import { devices } from './routes/devices.ts'
import { enroll, enrollmentTokens } from './routes/enrollment.ts'
import { createEventRoutes } from './routes/events.ts'
import { createHealthRoutes } from './routes/health.ts'
import { appsRoutes } from './routes/apps.ts'
import { approvalRequestsRoutes } from './routes/approval-requests.ts'
import { grantsRoutes, peopleRoutes, summaryRoutes } from './routes/inventory.ts'
import { webhooksRoutes } from './routes/webhooks.ts'
import { feeds } from './routes/feeds.ts'
import { scim } from './routes/scim.ts'
import { hrWebhook } from './routes/hr-webhook.ts'
import { ssfReceiver } from './routes/ssf.ts'
import { leavers } from './routes/leavers.ts'
import { connections } from './routes/connections.ts'
import { revocations } from './routes/revocations.ts'
import { createWebRoutes } from './routes/web.ts'
import { fileURLToPath } from 'node:url'

/** Where `npm run build:web` puts the admin web app. */
export const WEB_DIST = fileURLToPath(new URL('./web/dist', import.meta.url))
import { adminPolicy, devicePolicy } from './routes/policy.ts'
import { setupPage } from './routes/setup-page.ts'

export function createApp(deps: Deps, ping: () => Promise<boolean>) {
  const app = new Hono<AppEnv>()
  app.onError(onError)
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` } }, 404)
  )
  app.use(requestId())
  app.use(async (c, next) => {
    c.set('deps', deps)
    await next()
  })
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Server-rendered pages (the printable evidence) carry their stylesheet with a nonce.
        styleSrc: ["'self'", NONCE],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    })
  )
  // Device routes authenticate with a bearer credential, never a cookie, so any origin (the
  // extension's) may call them.
  const deviceCors = cors({
    origin: '*',
    allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
    exposeHeaders: ['ETag', 'Retry-After'],
    maxAge: 600,
  })
  for (const path of ['/api/v1/events', '/api/v1/enroll', '/api/v1/policy', '/api/v1/device/*'])
    app.use(path, deviceCors)
  // Form posts from other origins are refused before any cookie is looked at.
  app.use('/api/*', csrf({ origin: (origin) => origin === new URL(deps.publicUrl).origin }))

  return (
    app
      .route('/', createHealthRoutes(ping))
      .route('/setup', setupPage)
      .route('/api/v1/auth', auth)
      .route('/api/v1/admins', admins)
      .route('/api/v1/enrollment-tokens', enrollmentTokens)
      .route('/api/v1/enroll', enroll)
      .route('/api/v1/devices', devices)
      .route('/api/v1/events', createEventRoutes(deps.limits.maxBatchBytes))
      .route('/api/v1/policy', devicePolicy)
      .route('/api/v1/device', device)
      .route('/api/v1/admin/policy', adminPolicy)
      .route('/api/v1/apps', appsRoutes)
      .route('/api/v1/grants', grantsRoutes)
      .route('/api/v1/people', peopleRoutes)
      .route('/api/v1/summary', summaryRoutes)
      .route('/api/v1/audit', audit)
      .route('/api/v1/approval-requests', approvalRequestsRoutes)
      .route('/api/v1/webhooks', webhooksRoutes)
      .route('/api/v1/feeds', feeds)
      .route('/scim/v2', scim)
      .route('/api/v1/hr/events', hrWebhook)
      .route('/api/v1/ssf/events', ssfReceiver)
      .route('/api/v1/leavers', leavers)
      .route('/api/v1/connections', connections)
      .route('/api/v1/revocations', revocations)
      // Last: the admin web app answers every other GET (client-side routes).
      .route('/', createWebRoutes(WEB_DIST))
  )
}

export type AppType = ReturnType<typeof createApp>
