// Admin login, logout, the current admin, and the one-time first-admin setup.
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { LoginRequest, SetupRequest } from '../../shared/api/admin.ts'
import type { AppEnv } from '../app-env.ts'
import { login, logout } from '../domain/admin-auth.ts'
import { completeSetup } from '../domain/organisations.ts'
import { hitRateLimit } from '../domain/rate-limit.ts'
import { requireAdmin, SESSION_COOKIE } from '../middleware/auth.ts'
import { clientAddress } from '../middleware/client-address.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

const FIFTEEN_MINUTES = 15 * 60_000

export const auth = new Hono<AppEnv>()
  .post('/setup', validate('json', SetupRequest), async (c) => {
    const { db, clock } = c.var.deps
    const result = await completeSetup(db, c.req.valid('json'), clock())
    if (!result.ok) {
      return result.reason === 'email_taken'
        ? apiError(c, 409, 'email_taken', 'An admin with this email exists')
        : apiError(c, 400, 'invalid_token', 'The setup link is invalid, used or expired')
    }
    return c.json({ ok: true, adminId: result.adminId }, 201)
  })
  .post('/login', validate('json', LoginRequest), async (c) => {
    const { db, clock, limits, secureCookies, trustProxy } = c.var.deps
    const { email, password } = c.req.valid('json')
    const now = clock()
    for (const key of [
      `login:email:${email.toLowerCase()}`,
      `login:addr:${clientAddress(c, trustProxy)}`,
    ]) {
      const limit = await hitRateLimit(db, key, limits.loginAttemptsPer15Min, FIFTEEN_MINUTES, now)
      if (!limit.allowed) {
        c.header('Retry-After', String(limit.retryAfterSeconds))
        return apiError(c, 429, 'rate_limited', 'Too many login attempts; try again later')
      }
    }
    const result = await login(db, email, password, now, clientAddress(c, trustProxy))
    if (!result.ok) return apiError(c, 401, 'bad_credentials', 'Wrong email or password')
    setCookie(c, SESSION_COOKIE, result.token, {
      httpOnly: true,
      secure: secureCookies,
      sameSite: 'Strict',
      path: '/',
      expires: result.expiresAt,
    })
    const { sessionId: _, ...me } = result.session
    return c.json({ ...me, id: me.adminId })
  })
  .post('/logout', requireAdmin, async (c) => {
    const { db, clock } = c.var.deps
    await logout(db, c.var.admin, clock())
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ ok: true })
  })
  .get('/me', requireAdmin, (c) => {
    const { sessionId: _, ...me } = c.var.admin
    return c.json({ ...me, id: me.adminId })
  })
