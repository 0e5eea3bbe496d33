// One place that turns failures into JSON errors: { error: { code, message } }.
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../app-env.ts'

export function apiError(
  c: Context,
  status: 400 | 401 | 403 | 404 | 409 | 413 | 429,
  code: string,
  message: string
) {
  return c.json({ error: { code, message } }, status)
}

export function onError(err: Error, c: Context<AppEnv>) {
  if (err instanceof HTTPException) {
    const status = err.status
    const code =
      status === 413 ? 'payload_too_large' : status === 400 ? 'invalid_request' : 'http_error'
    return c.json({ error: { code, message: err.message || 'Request failed' } }, status)
  }
  c.var.deps?.log.error('unhandled error', {
    requestId: c.var.requestId,
    path: c.req.path,
    error: err.stack ?? String(err),
  })
  return c.json(
    { error: { code: 'internal_error', message: `Internal error (request ${c.var.requestId})` } },
    500
  )
}
