// Fixed-rate (open-loop) load: one request every 1/rate s whatever the server does, latency timed
// from the scheduled send, so a slow server shows up as latency instead of as a slower client.
import { Agent, request } from 'node:http'

export interface OpenLoopResult {
  seconds: number
  scheduled: number
  /** Not sent because `maxInFlight` requests were already waiting (the server fell behind). */
  skipped: number
  ok: number
  non2xx: number
  errors: number
  statusCodes: Record<string, number>
  p50: number
  p99: number
  max: number
  accepted: number
}

export interface OpenLoopOptions {
  urls: string[]
  ratePerSecond: number
  durationSeconds: number
  path: string
  next: () => { headers: Record<string, string>; body: string }
  maxInFlight?: number
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? NaN
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const maxInFlight = opts.maxInFlight ?? 256
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight })
  const latencies: number[] = []
  const statusCodes: Record<string, number> = {}
  let scheduled = 0
  let skipped = 0
  let errors = 0
  let accepted = 0
  let inFlight = 0
  const pending = new Set<Promise<void>>()
  const interval = 1000 / opts.ratePerSecond
  const start = performance.now()
  const end = start + opts.durationSeconds * 1000

  const send = (due: number, url: URL) => {
    const { headers, body } = opts.next()
    const payload = Buffer.from(body)
    inFlight++
    const p = new Promise<void>((resolveSend) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: opts.path,
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            latencies.push(performance.now() - due)
            statusCodes[status] = (statusCodes[status] ?? 0) + 1
            if (status >= 200 && status < 300) {
              try {
                accepted +=
                  (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { accepted?: unknown[] })
                    .accepted?.length ?? 0
              } catch {
                // counted as accepted 0
              }
            }
            resolveSend()
          })
          res.on('error', () => {
            errors++
            resolveSend()
          })
        }
      )
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => {
        errors++
        resolveSend()
      })
      req.end(payload)
    }).finally(() => {
      inFlight--
      pending.delete(p)
    })
    pending.add(p)
  }

  const urls = opts.urls.map((u) => new URL(u))
  for (;;) {
    const due = start + scheduled * interval
    if (due >= end) break
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    const url = urls[scheduled % urls.length]!
    scheduled++
    if (inFlight >= maxInFlight) skipped++
    else send(due, url)
  }
  await Promise.all([...pending])
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const ok = Object.entries(statusCodes)
    .filter(([c]) => c.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0)
  return {
    seconds,
    scheduled,
    skipped,
    ok,
    non2xx: latencies.length - ok,
    errors,
    statusCodes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    accepted,
  }
}
