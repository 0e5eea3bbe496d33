// Secrets at rest (webhook signing secrets, provider credentials): AES-256-GCM with a key from
// the environment (CONSENTRY_SECRET_KEY) or, for the embedded default, a key file in DATA_DIR.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SecretBox {
  seal(plaintext: string): string
  open(sealed: string): string
}

const VERSION = 'v1'

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32)
    throw new Error('the secret key must be 32 bytes (base64 of 32 random bytes)')
  return {
    seal(plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed) {
      const [version, data] = sealed.split(':')
      if (version !== VERSION || !data) throw new Error('unknown secret format')
      const raw = Buffer.from(data, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}

/** The key from CONSENTRY_SECRET_KEY, or (embedded default only) DATA_DIR/secret.key, created once. */
export function loadSecretKey(env: {
  secretKey?: string
  dataDir: string
  embedded: boolean
}): Buffer {
  if (env.secretKey) return Buffer.from(env.secretKey, 'base64')
  if (!env.embedded) {
    throw new Error(
      'CONSENTRY_SECRET_KEY is required with DATABASE_URL (every process needs the same key): openssl rand -base64 32'
    )
  }
  const file = join(env.dataDir, 'secret.key')
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 })
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
}
