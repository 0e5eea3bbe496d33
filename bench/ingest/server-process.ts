// Starts real Consentry server processes for the ingestion benchmark, waits for /readyz, kills them.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  port: number
  url: string
  child: ChildProcess
  /** The setup token printed on first start (null when the organisation already has an admin). */
  setupToken(): string | null
  stderrTail(): string
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()

/** Kill every server this process started (by pid), e.g. on exit or an error. */
export function killAllServers(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal)
      } catch {
        // already gone
      }
    }
  }
  live.clear()
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

/** Clip a growing text buffer to its last `max` characters. */
function tail(text: string, max: number): string {
  return text.length > max ? text.slice(text.length - max) : text
}

export async function startServer(
  env: Record<string, string>,
  label: string
): Promise<ServerProcess> {
  const port = Number(env.PORT)
  // The server itself is the child (no npx/tsx wrapper), so its pid is the one we kill.
  // BENCH_NODE_ARGS adds Node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  // BENCH_SERVER_ENTRY runs another entry point: a .ts file through tsx, a .js/.mjs file (e.g. an
  // esbuild bundle of server/main.ts) with plain node, to measure what tsx costs.
  const entry = process.env.BENCH_SERVER_ENTRY ?? 'server/main.ts'
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry], {
    cwd: REPO_ROOT,
    // The caller passes the whole environment (bench/ingest.bench.ts strips database settings).
    env: { NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let stdout = ''
  let stderr = ''
  let token: string | null = null
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = tail(stdout + chunk, 64_000)
    const m = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(stdout)
    if (m?.[1]) token = m[1]
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = tail(stderr + chunk, 64_000)
  })
  const exited = new Promise<number | string>((resolveExit) =>
    child.once('exit', (code, signal) => {
      live.delete(child)
      resolveExit(code ?? signal ?? 'unknown')
    })
  )
  let exitInfo: number | string | null = null
  void exited.then((info) => (exitInfo = info))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (exitInfo !== null) {
      throw new Error(
        `${label}: server exited (${exitInfo}) before it was ready.\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`
      )
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(
        `${label}: GET /readyz did not answer 200 within 90 s.\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`
      )
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
      await res.arrayBuffer()
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  return {
    port,
    url,
    child,
    setupToken: () => token,
    stderrTail: () => stderr,
    async stop() {
      if (exitInfo !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** CPU time (user+system, in seconds) used so far by a process, from /proc; null off Linux. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime
    return ticks / 100 // USER_HZ is 100 on Linux
  } catch {
    return null
  }
}

/** CPU seconds used so far by all PostgreSQL server processes on this machine (0 if none visible). */
export function postgresCpuSeconds(): number {
  let total = 0
  let entries: string[] = []
  try {
    entries = readdirSync('/proc')
  } catch {
    return 0
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue
    } catch {
      continue
    }
    total += cpuSeconds(Number(entry)) ?? 0
  }
  return total
}
