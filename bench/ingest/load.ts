// Drives load with autocannon and computes exact latency percentiles from every response.
import autocannon from 'autocannon'

export interface LoadResult {
  seconds: number
  requests: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  p50: number
  p99: number
  max: number
  /** Sum of `accepted` over all 2xx ingestion responses (when bodies are checked). */
  accepted: number
  /** Responses whose body did not report the whole batch accepted. */
  partial: number
}

export interface LoadOptions {
  urls: string[]
  connections: number
  durationSeconds: number
  method: 'GET' | 'POST'
  path: string
  /** Builds headers and body for each request (fresh body every time). */
  next?: () => { headers: Record<string, string>; body: string }
  /** Number of events a full batch holds, to check `accepted.length` in the response. */
  expectAccepted?: number
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? NaN
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = []
  const statusCodes: Record<string, number> = {}
  let accepted = 0
  let partial = 0
  const request: autocannon.Request = { method: opts.method, path: opts.path }
  if (opts.next) {
    const next = opts.next
    request.setupRequest = (req) => {
      const { headers, body } = next()
      return { ...req, headers, body }
    }
  }
  if (opts.expectAccepted !== undefined) {
    const expected = opts.expectAccepted
    request.onResponse = (status, body) => {
      if (status < 200 || status >= 300) return
      try {
        const n = (JSON.parse(body) as { accepted?: unknown[] }).accepted?.length ?? 0
        accepted += n
        if (n !== expected) partial++
      } catch {
        partial++
      }
    }
  }
  return new Promise((resolveLoad, reject) => {
    const started = process.hrtime.bigint()
    const instance = autocannon(
      {
        // autocannon spreads connections over an array of URLs (round robin); the types say string.
        url: opts.urls as unknown as string,
        connections: opts.connections,
        duration: opts.durationSeconds,
        pipelining: 1,
        timeout: 30,
        requests: [request],
      },
      (err, result) => {
        if (err) return reject(err)
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        latencies.sort((a, b) => a - b)
        const ok = Object.entries(statusCodes)
          .filter(([code]) => code.startsWith('2'))
          .reduce((n, [, c]) => n + c, 0)
        resolveLoad({
          seconds,
          requests: latencies.length,
          ok,
          non2xx: latencies.length - ok,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: latencies[latencies.length - 1] ?? NaN,
          accepted,
          partial,
        })
      }
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime)
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1
    })
  })
}
