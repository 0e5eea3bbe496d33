// The caller's address for rate limits: the proxy's X-Forwarded-For when trusted, else the socket.
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // app.request() in tests has no socket
  }
}
