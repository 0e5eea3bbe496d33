// Opens and migrates the database the environment names, as the server does (for CLI commands).
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createDb, type Database } from './db/client.ts'
import { parseEnv } from './env.ts'

export async function openConfiguredDb(): Promise<Database> {
  const env = parseEnv(process.env)
  const database = env.DATABASE_URL
    ? await createDb({ kind: 'postgres', url: env.DATABASE_URL })
    : await createDb({
        kind: 'pglite',
        dataDir: (mkdirSync(resolve(env.DATA_DIR), { recursive: true }), resolve(env.DATA_DIR)),
      })
  await database.migrate()
  return database
}
