// Secrets are sealed with AES-256-GCM: round trip, tamper detection, and a wrong key fails.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSecretBox } from './secret-box.ts'

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32))

  it('opens what it sealed, and never shows the plaintext', () => {
    const sealed = box.seal('whsec_super_secret')
    expect(sealed).not.toContain('whsec')
    expect(box.open(sealed)).toBe('whsec_super_secret')
    expect(box.seal('same')).not.toBe(box.seal('same'))
  })

  it('refuses a tampered ciphertext and another key', () => {
    const sealed = box.seal('secret')
    const raw = Buffer.from(sealed.slice(3), 'base64')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow()
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow()
  })

  it('insists on a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/)
  })
})
