// Who is calling: an admin (session cookie + CSRF token on writes) or a device (bearer credential).
import { createMiddleware } from 'hono/factory'
import { getCookie } from 'hono/cookie'
import { timingSafeEqual } from 'node:crypto'
import type { AdminRole } from '../../shared/api/admin.ts'
import type { AppEnv } from '../app-env.ts'
import { findSession } from '../domain/admin-auth.ts'
import { authenticateDevice } from '../domain/enrollment.ts'
import { apiError } from './errors.ts'

export const SESSION_COOKIE = 'consentry_session'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Require a logged-in admin; writes also need the session's CSRF token in X-CSRF-Token. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE)
  const { db, clock } = c.var.deps
  const session = token ? await findSession(db, token, clock()) : null
  if (!session) return apiError(c, 401, 'unauthenticated', 'Log in first')
  if (!SAFE_METHODS.has(c.req.method)) {
    const sent = c.req.header('x-csrf-token') ?? ''
    if (!sameSecret(sent, session.csrfToken)) {
      return apiError(c, 403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header')
    }
  }
  c.set('admin', session)
  await next()
})

/** Allow only these roles (after requireAdmin). */
export function requireRole(...roles: AdminRole[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.var.admin.role)) {
      return apiError(c, 403, 'forbidden', `This needs the role ${roles.join(' or ')}`)
    }
    await next()
  })
}

/** Roles that may change the inventory, policy and enrollment (auditors and offboarding read). */
export const canManage = requireRole('owner', 'admin')

/** Require an enrolled, unrevoked device credential: Authorization: Bearer cdv_... */
export const requireDevice = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(cdv_[A-Za-z0-9_-]{20,100})$/.exec(header)
  const device = match?.[1] ? await authenticateDevice(c.var.deps.db, match[1]) : null
  if (!device)
    return apiError(c, 401, 'unauthenticated', 'A valid, unrevoked device credential is required')
  c.set('device', device)
  await next()
})
