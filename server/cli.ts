// The consentry command line: `consentry classify <url>...` or `consentry classify -` (stdin).
import { createInterface } from 'node:readline'
import { classifyUrl } from '../shared/consent/classify-url.ts'

const USAGE = `usage: consentry classify <url> [<url>...]
       consentry classify -        read URLs one per line from stdin, print JSON lines
       consentry import-leavers <file.csv>   (uses DATABASE_URL or DATA_DIR, like the server)`

async function classifyCommand(args: string[]): Promise<number> {
  if (args.length === 0) {
    console.error(USAGE)
    return 2
  }
  if (args.length === 1 && args[0] === '-') {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
    for await (const line of lines) {
      const url = line.trim()
      if (url) process.stdout.write(JSON.stringify(classifyUrl(url)) + '\n')
    }
    return 0
  }
  for (const url of args) console.log(JSON.stringify(classifyUrl(url), null, 2))
  return 0
}

/** consentry import-leavers <file.csv>: the CSV import, straight into the configured database. */
async function importLeaversCommand(args: string[]): Promise<number> {
  const [file] = args
  if (!file) {
    console.error('usage: consentry import-leavers <file.csv>')
    return 2
  }
  const { readFile } = await import('node:fs/promises')
  const { openConfiguredDb } = await import('./open-configured-db.ts')
  const { importLeaversCsv } = await import('./domain/import-leavers-csv.ts')
  const { ensureFirstOrganisation } = await import('./domain/organisations.ts')
  const database = await openConfiguredDb()
  try {
    const { orgId } = await ensureFirstOrganisation(database.db, new Date())
    const result = await importLeaversCsv(
      database.db,
      orgId,
      await readFile(file, 'utf8'),
      { type: 'api', id: 'cli' },
      new Date()
    )
    console.log(JSON.stringify(result, null, 2))
    return result.rejected.length ? 1 : 0
  } finally {
    await database.close()
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'classify') return classifyCommand(rest)
  if (command === 'import-leavers') return importLeaversCommand(rest)
  console.error(USAGE)
  return 2
}

process.exitCode = await main(process.argv.slice(2))
