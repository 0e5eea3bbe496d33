// env -> database -> migrations -> first-start setup -> serve. Nothing else.
import { serve } from '@hono/node-server'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createApp } from './app.ts'
import { createDb } from './db/client.ts'
import { createJsonLogger, DEFAULT_LIMITS } from './deps.ts'
import { ensureFirstOrganisation } from './domain/organisations.ts'
import { EnvError, parseEnv } from './env.ts'
import { createSecretBox, loadSecretKey } from './domain/secret-box.ts'
import { startJobs } from './jobs.ts'

const log = createJsonLogger()
let env
try {
  env = parseEnv(process.env)
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message)
    process.exit(2)
  }
  throw error
}

const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`
const database = env.DATABASE_URL
  ? await createDb({ kind: 'postgres', url: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE })
  : await createDb({
      kind: 'pglite',
      dataDir: (mkdirSync(resolve(env.DATA_DIR), { recursive: true }), resolve(env.DATA_DIR)),
    })
await database.migrate()

const first = await ensureFirstOrganisation(database.db, new Date())
if (first.setupToken) {
  const link = `${publicUrl}/setup?token=${first.setupToken}`
  console.log(
    `\nConsentry: no admin yet. Create the first admin within 24 hours:\n  ${link}\n  (or POST /api/v1/auth/setup with {"token": "${first.setupToken}", "email", "name", "password"})\n`
  )
}

let secretBox
try {
  secretBox = createSecretBox(
    loadSecretKey({
      secretKey: env.CONSENTRY_SECRET_KEY,
      dataDir: resolve(env.DATA_DIR),
      embedded: !env.DATABASE_URL,
    })
  )
} catch (error) {
  console.error(`Invalid configuration:\n  CONSENTRY_SECRET_KEY: ${(error as Error).message}`)
  process.exit(2)
}

const deps = {
  db: database.db,
  clock: () => new Date(),
  log,
  limits: {
    ...DEFAULT_LIMITS,
    ingestPerDevicePerMinute: env.INGEST_RATE_PER_MINUTE,
    loginAttemptsPer15Min: env.LOGIN_ATTEMPTS_PER_15_MIN,
  },
  secureCookies: env.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  trustProxy: env.TRUST_PROXY,
  publicUrl,
  secretBox,
  fetch: globalThis.fetch,
}
const app = createApp(deps, database.ping)
const jobs = startJobs(deps)

const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  log.info('listening', {
    url: `http://${info.address}:${info.port}`,
    database: database.kind,
    publicUrl,
  })
})

async function shutdown(signal: string) {
  log.info('shutting down', { signal })
  server.close()
  await jobs.stop()
  await database.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
