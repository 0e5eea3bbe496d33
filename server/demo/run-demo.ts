// `npm run demo`: the demo in one process. Seeds the database if it has no demo yet, serves the
// five provider simulators on 127.0.0.1 (holding the leavers' live grants, accepting the saved
// credentials), then starts the server exactly as `npm start` does (server/main.ts).
import { resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { openConfiguredDb } from '../open-configured-db.ts'
import { adminUsers } from '../db/schema/index.ts'
import { listConnections, saveConnection } from '../domain/connections.ts'
import { ensureFirstOrganisation } from '../domain/organisations.ts'
import { createSecretBox, loadSecretKey } from '../domain/secret-box.ts'
import { EnvError, parseEnv } from '../env.ts'
import { PROVIDER_IDS } from '../providers/types.ts'
import { printDemoLogins, seedDemo } from '../seed-demo.ts'
import {
  DEMO_SIMULATOR_PORT,
  loadLeaverGrants,
  loadSavedCredentials,
  startDemoSimulators,
} from './provider-simulators.ts'

let env
let simulatorPort: number
try {
  env = parseEnv(process.env)
  const port = z.coerce
    .number()
    .int()
    .min(1)
    .max(65535 - 6)
    .default(DEMO_SIMULATOR_PORT)
    .safeParse(process.env.DEMO_SIMULATOR_PORT || undefined)
  if (!port.success)
    throw new EnvError('Invalid configuration:\n  DEMO_SIMULATOR_PORT: a port from 1 to 65529')
  simulatorPort = port.data
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message)
    process.exit(2)
  }
  throw error
}

const dataDir = resolve(env.DATA_DIR)
const database = await openConfiguredDb()
const { db } = database
const secretBox = createSecretBox(
  loadSecretKey({ secretKey: env.CONSENTRY_SECRET_KEY, dataDir, embedded: !env.DATABASE_URL })
)
const { orgId } = await ensureFirstOrganisation(db, new Date())
const connections = await listConnections(db, orgId)
const isSimulated = (url: string) => new URL(url).hostname === '127.0.0.1'
if (connections.some((c) => !Object.values(c.baseUrls).every(isSimulated))) {
  console.error(
    'npm run demo: this database has connections to real providers. The demo needs a database ' +
      'of its own, e.g. DATA_DIR=./demo-data npm run demo'
  )
  process.exit(2)
}

let simulators
if (connections.length === 0) {
  simulators = await startDemoSimulators({ port: simulatorPort })
  console.log('Seeding the demo organisation (about a minute)...')
  const result = await seedDemo(db, {
    offboarding: { simulators, secretBox, publicUrl: env.PUBLIC_URL },
  })
  console.log(`Seeded ${result.people} people and ${result.leavers} leavers.`)
  printDemoLogins(result)
} else {
  // A restart: the simulators take the credentials saved at seeding and the grants still live.
  simulators = await startDemoSimulators({
    port: simulatorPort,
    credentials: await loadSavedCredentials(db, orgId, secretBox),
  })
  for (const grant of await loadLeaverGrants(db, orgId)) simulators.addGrant(grant)
  // The simulators moved (DEMO_SIMULATOR_PORT changed): point the connections at them.
  const [owner] = await db
    .select({ id: adminUsers.id })
    .from(adminUsers)
    .where(eq(adminUsers.orgId, orgId))
    .limit(1)
  for (const c of connections) {
    const provider = PROVIDER_IDS.find((p) => p === c.provider)
    if (!provider || JSON.stringify(c.baseUrls) === JSON.stringify(simulators.baseUrls[provider]))
      continue
    await saveConnection(
      db,
      { orgId, adminId: owner?.id ?? '' },
      {
        provider,
        credentials: simulators.credentials[provider],
        baseUrls: simulators.baseUrls[provider],
        requestsPerSecond: c.requestsPerSecond,
      },
      secretBox,
      new Date()
    )
  }
  console.log(
    'Demo database seeded earlier: sign in with the logins it printed then ' +
      '(demo@acme.example, and approver@acme.example to approve).'
  )
}
console.log(
  `Provider simulators on 127.0.0.1 ports ${simulators.ports[0]}-${simulators.ports.at(-1)}. ` +
    'Try it: Leavers > Mona Octo > Plan revocation, then sign in as the approver and approve.'
)
// PGlite has one owner: the server opens the database itself.
await database.close()
await import('../main.ts')
