// The consentry command line: `consentry classify <url>...` or `consentry classify -` (stdin).
import { createInterface } from 'node:readline'
import { classifyUrl } from '../shared/consent/classify-url.ts'

const USAGE = `usage: consentry classify <url> [<url>...]
       consentry classify -        read URLs one per line from stdin, print JSON lines`

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

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'classify') return classifyCommand(rest)
  console.error(USAGE)
  return 2
}

process.exitCode = await main(process.argv.slice(2))
