// `npm start`'s real path: the server starts on embedded PGlite in DATA_DIR, prints a setup link,
// the link's page creates the owner, and a restart keeps the data and prints no link.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'consentry-start-'))
const children: ChildProcess[] = []

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function start(
  env: Record<string, string>
): Promise<{ output: () => string; child: ChildProcess; base: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env, PORT: String(port), DATA_DIR: dataDir },
  })
  children.push(child)
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { output: () => out, child, base }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server never became ready: ${out}`)
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe('npm start on the embedded database', () => {
  it('starts, prints a setup link whose page creates the owner, and restarts without one', async () => {
    const first = await start({})
    const link = /(http:\/\/localhost:\d+\/setup\?token=(cst_[A-Za-z0-9_-]+))/.exec(first.output())
    expect(link).not.toBeNull()
    const token = link?.[2] ?? ''
    const page = await fetch(`${first.base}/setup?token=${token}`)
    expect(await page.text()).toContain(`value="${token}"`)
    const created = await fetch(`${first.base}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: first.base },
      body: new URLSearchParams({
        token,
        email: 'owner@acme.example',
        name: 'Owner',
        password: 'correct horse battery staple',
      }),
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    await stop(first.child)

    const second = await start({})
    expect(second.output()).not.toMatch(/setup\?token=/)
    const login = await fetch(`${second.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'owner@acme.example',
        password: 'correct horse battery staple',
      }),
    })
    expect(login.status).toBe(200)
    await stop(second.child)
  })

  it('refuses to start with a bad variable and names it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty' },
    })
    let err = ''
    child.stderr?.on('data', (d) => (err += d))
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(2)
    expect(err).toMatch(/PORT/)
  })
})
