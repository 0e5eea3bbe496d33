// Shared set-up for extension tests: a fresh fake-IndexedDB database, outbox and clock.
import { createExtensionDb } from './outbox/db.ts'
import { createOutbox } from './outbox/outbox.ts'

export function createTestStore(start = Date.parse('2026-11-23T09:00:00Z')) {
  const db = createExtensionDb(`test-${crypto.randomUUID()}`)
  const now = { value: start }
  const clock = () => now.value
  let n = 0
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`
  return { db, outbox: createOutbox(db, clock), now, clock, newId }
}

export const GOOGLE_DRIVE_CONSENT =
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=1234-abc.apps.googleusercontent.com&redirect_uri=https%3A%2F%2Fapp.fireflies.ai%2Foauth%2Fgoogle%3Fsource%3Dext&response_type=code&scope=openid%20https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly&access_type=offline&state=STATE_SECRET_123&login_hint=ada%40acme.example'
export const GOOGLE_CALLBACK_GRANTED =
  'https://app.fireflies.ai/oauth/google?code=4%2F0AUTH_CODE_SECRET&state=STATE_SECRET_123&scope=openid%20https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly'
export const GOOGLE_CALLBACK_DENIED =
  'https://app.fireflies.ai/oauth/google?error=access_denied&state=STATE_SECRET_123'
