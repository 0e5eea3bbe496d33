// The HR webhook's signature check and JSON contract, without a database.
import { describe, expect, it } from 'vitest'
import { HrEventJson, verifyHrSignature } from './hr-events.ts'
import { signPayload } from './webhooks.ts'

const now = new Date('2026-11-23T09:00:00Z')
const ts = String(now.getTime() / 1000)
const body = '{"id":"evt_1"}'
const secret = 'hrsec_test'

describe('verifyHrSignature', () => {
  const check = (over: Partial<Parameters<typeof verifyHrSignature>[0]>) =>
    verifyHrSignature({
      secret,
      timestamp: ts,
      signature: signPayload(secret, ts, body),
      body,
      now,
      ...over,
    })

  it('accepts the signature our outgoing webhooks would make, in either case', () => {
    expect(check({})).toEqual({ ok: true })
    expect(check({ signature: signPayload(secret, ts, body).toUpperCase() })).toEqual({ ok: true })
  })

  it.each([
    ['no timestamp', { timestamp: undefined }, 'missing_signature'],
    ['no signature', { signature: undefined }, 'missing_signature'],
    ['a timestamp in milliseconds', { timestamp: `${ts}000` }, 'invalid_timestamp'],
    ['a timestamp that is not a number', { timestamp: '2026-11-23' }, 'invalid_timestamp'],
    ['a timestamp 301 s old', { timestamp: String(Number(ts) - 301) }, 'stale_timestamp'],
    ['another secret', { signature: signPayload('other', ts, body) }, 'invalid_signature'],
    ['another body', { body: '{"id":"evt_2"}' }, 'invalid_signature'],
    ['another timestamp', { timestamp: String(Number(ts) - 1) }, 'invalid_signature'],
    [
      'a bare hex digest',
      { signature: signPayload(secret, ts, body).slice(7) },
      'invalid_signature',
    ],
    [
      'a truncated digest',
      { signature: signPayload(secret, ts, body).slice(0, -2) },
      'invalid_signature',
    ],
  ])('refuses %s', (_, over, code) => {
    expect(check(over)).toMatchObject({ ok: false, code })
  })
})

describe('HrEventJson', () => {
  it('lower-cases emails and keeps optional nulls as not given', () => {
    const parsed = HrEventJson.parse(
      JSON.stringify({
        id: 'e1',
        type: 'employee.leaving',
        occurredAt: '2026-11-20T10:00:00+01:00',
        employee: { email: 'Ada@X.example', departureDate: '2026-12-31', managerEmail: null },
      })
    )
    expect(parsed).toEqual({
      id: 'e1',
      type: 'employee.leaving',
      occurredAt: '2026-11-20T10:00:00+01:00',
      employee: { email: 'ada@x.example', departureDate: '2026-12-31', managerEmail: null },
    })
  })

  it('refuses an impossible date', () => {
    const result = HrEventJson.safeParse(
      JSON.stringify({
        id: 'e1',
        type: 'employee.leaving',
        occurredAt: '2026-11-20T10:00:00Z',
        employee: { email: 'a@x.example', departureDate: '2026-02-30' },
      })
    )
    expect(result.success).toBe(false)
  })
})
