// What handlers and domain functions are given instead of module singletons.
import type { Db } from './db/client.ts'
import type { SecretBox } from './domain/secret-box.ts'

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export interface Limits {
  /** Requests per device per minute on the ingestion endpoint. */
  ingestPerDevicePerMinute: number
  /** Login attempts per email, and per client address, per 15 minutes. */
  loginAttemptsPer15Min: number
  /** Largest accepted request body for event batches, in bytes. */
  maxBatchBytes: number
  /** Deliveries per organisation per minute on each push feed (HR webhook, Shared Signals). */
  feedDeliveriesPerMinute: number
}

export interface Deps {
  db: Db
  clock: () => Date
  log: Logger
  limits: Limits
  /** Secure cookies (true behind HTTPS; false only for plain-http local use). */
  secureCookies: boolean
  /** Take the client address from X-Forwarded-For (behind a trusted reverse proxy). */
  trustProxy: boolean
  /** Seals secrets stored in the database (webhook secrets, provider credentials). */
  secretBox: SecretBox
  /** Outgoing HTTP (webhooks, provider APIs); injectable for tests. */
  fetch: typeof fetch
  /** Public base URL of this server, for links printed or returned. */
  publicUrl: string
}

export const DEFAULT_LIMITS: Limits = {
  ingestPerDevicePerMinute: 120,
  loginAttemptsPer15Min: 10,
  maxBatchBytes: 2 * 1024 * 1024,
  feedDeliveriesPerMinute: 600,
}

export function createJsonLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) =>
    stream.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n')
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
