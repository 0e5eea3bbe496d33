// The consentry CLI classifies URLs given as arguments and, with "-", one per line from stdin.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const bin = join(import.meta.dirname, '..', 'server', 'bin', 'consentry.mjs')
const drive =
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=1.apps.googleusercontent.com&response_type=code&redirect_uri=https%3A%2F%2Fapp.fireflies.ai%2Fcb&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly&state=SECRETSTATE'

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' })
}

describe('consentry classify', () => {
  it('prints the parsed request and its classification for a URL argument', () => {
    const out = run(['classify', drive])
    expect(out.status).toBe(0)
    const result = JSON.parse(out.stdout)
    expect(result.request).toMatchObject({ provider: 'google', kind: 'consent' })
    expect(result.classification.app.toolId).toBe('fireflies-ai')
    expect(result.classification.scopes[0].description).toBe('Read all your Google Drive files')
    expect(out.stdout).not.toContain('SECRETSTATE')
  })

  it('reads URLs one per line from stdin with -, printing JSON lines', () => {
    const out = run(['classify', '-'], `${drive}\nhttps://example.com/\n\n`)
    expect(out.status).toBe(0)
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.consent)).toEqual([true, false])
  })

  it('explains its usage when given nothing to do', () => {
    const out = run([])
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(/usage: consentry classify/)
  })
})
