// First-start setup, admin login and device enrollment over the public HTTP API.
import { request } from 'node:http'

export const BENCH_PASSWORD = 'bench-password-0123456789'
export const BENCH_ADMIN = 'owner@bench.example'

export interface Device {
  email: string
  deviceId: string
  credential: string
}

interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: unknown
  text: string
}

/**
 * A JSON request with node:http, so the local address can be chosen: enrollment is limited per
 * client address (30 a minute), and every 127.x.y.z is loopback on Linux.
 */
function call(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  localAddress?: string
): Promise<HttpResult> {
  const url = new URL(path, baseUrl)
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolveResult, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
          ...headers,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = null
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON
          }
          resolveResult({ status: res.statusCode ?? 0, headers: res.headers, json, text })
        })
        res.on('error', reject)
      }
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)))
    req.on('error', reject)
    if (payload) req.write(payload)
    req.end()
  })
}

function expect(res: HttpResult, status: number, what: string): void {
  if (res.status !== status)
    throw new Error(
      `${what}: expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`
    )
}

/**
 * Setup -> login -> one enrollment token -> `count` enrolled devices. `origin` is the server's
 * public origin (http://localhost:<port>), which the CSRF check compares against.
 */
export async function provisionDevices(
  baseUrl: string,
  origin: string,
  setupToken: string,
  count: number
): Promise<Device[]> {
  const setup = await call(baseUrl, 'POST', '/api/v1/auth/setup', {
    token: setupToken,
    email: BENCH_ADMIN,
    name: 'Bench Owner',
    password: BENCH_PASSWORD,
  })
  expect(setup, 201, 'POST /api/v1/auth/setup')

  const login = await call(
    baseUrl,
    'POST',
    '/api/v1/auth/login',
    { email: BENCH_ADMIN, password: BENCH_PASSWORD },
    { origin }
  )
  expect(login, 200, 'POST /api/v1/auth/login')
  const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? [])
  const cookie = setCookie
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('consentry_session='))
  const csrf = (login.json as { csrfToken?: string } | null)?.csrfToken
  if (!cookie || !csrf)
    throw new Error(
      `login: no consentry_session cookie or csrfToken in ${login.text.slice(0, 300)}`
    )

  const tokenRes = await call(
    baseUrl,
    'POST',
    '/api/v1/enrollment-tokens',
    { label: 'ingest benchmark' },
    { cookie, origin, 'x-csrf-token': csrf }
  )
  expect(tokenRes, 201, 'POST /api/v1/enrollment-tokens')
  const enrollmentToken = (tokenRes.json as { token: string }).token

  const devices: Device[] = []
  for (let i = 0; i < count; i++) {
    const email = `employee-${String(i).padStart(3, '0')}@bench.example`
    // 25 devices per local address stays under the per-address limit of 30 enrollments a minute.
    const localAddress = `127.0.1.${1 + Math.floor(i / 25)}`
    const res = await call(
      baseUrl,
      'POST',
      '/api/v1/enroll',
      { token: enrollmentToken, email, browser: 'chrome', extensionVersion: '0.1.0' },
      {},
      localAddress
    )
    expect(res, 201, `POST /api/v1/enroll (device ${i})`)
    const { deviceId, credential } = res.json as { deviceId: string; credential: string }
    devices.push({ email, deviceId, credential })
  }
  return devices
}
