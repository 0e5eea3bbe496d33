// Enrollment from the options page or the enterprise policy, and what is stored.
import { fakeBrowser } from 'wxt/testing/fake-browser'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  createEnrollmentStore,
  enroll,
  enrollFromManaged,
  normalizeServerUrl,
} from './enrollment.ts'

describe('enrollment', () => {
  beforeEach(() => fakeBrowser.reset())
  const store = () => createEnrollmentStore(fakeBrowser.storage.local)
  const okFetch: typeof fetch = async (_url, init) => {
    const body = JSON.parse(String(init?.body))
    return body.token === 'cet_good_token_123'
      ? Response.json(
          { deviceId: 'dev-1', orgId: 'org-1', orgName: 'Acme', credential: 'cdv_secret' },
          { status: 201 }
        )
      : Response.json(
          {
            error: {
              code: 'invalid_token',
              message: 'The enrollment token is invalid, revoked or expired',
            },
          },
          { status: 401 }
        )
  }

  it.each([
    ['https://consentry.acme.example/', 'https://consentry.acme.example'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://consentry.acme.example', null],
    ['ftp://x', null],
    ['not a url', null],
  ])('normalises the server URL %s', (raw, expected) => {
    expect(normalizeServerUrl(raw)).toBe(expected)
  })

  it('stores the credential the server gives for a good token', async () => {
    const result = await enroll(
      {
        serverUrl: 'https://consentry.acme.example/',
        token: ' cet_good_token_123 ',
        email: 'Ada@Acme.example',
        browserName: 'chrome',
        version: '0.1.0',
      },
      { fetch: okFetch, store: store(), clock: () => 5 }
    )
    expect(result.ok).toBe(true)
    expect(await store().get()).toEqual({
      serverUrl: 'https://consentry.acme.example',
      credential: 'cdv_secret',
      deviceId: 'dev-1',
      orgName: 'Acme',
      email: 'ada@acme.example',
      enrolledAt: 5,
      state: 'active',
    })
  })

  it("passes the server's reason on for a bad token and stores nothing", async () => {
    const result = await enroll(
      {
        serverUrl: 'https://consentry.acme.example',
        token: 'cet_bad',
        email: null,
        browserName: 'chrome',
        version: '0.1.0',
      },
      { fetch: okFetch, store: store(), clock: () => 5 }
    )
    expect(result).toEqual({
      ok: false,
      message: 'The enrollment token is invalid, revoked or expired',
    })
    expect(await store().get()).toBeNull()
  })

  it('says so when the server cannot be reached', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('Failed to fetch')
    }
    const result = await enroll(
      {
        serverUrl: 'https://consentry.acme.example',
        token: 'cet_good_token_123',
        email: null,
        browserName: 'chrome',
        version: '0.1.0',
      },
      { fetch: down, store: store(), clock: () => 5 }
    )
    expect(result).toEqual({ ok: false, message: 'Cannot reach https://consentry.acme.example' })
  })

  it('enrolls from the enterprise policy once, with the email it names', async () => {
    const deps = {
      fetch: okFetch,
      store: store(),
      clock: () => 5,
      browserName: 'chrome',
      version: '0.1.0',
    }
    const managed = {
      serverUrl: 'https://consentry.acme.example',
      enrollmentToken: 'cet_good_token_123',
      email: 'ada@acme.example',
    }
    expect((await enrollFromManaged(managed, deps))?.ok).toBe(true)
    expect((await store().get())?.email).toBe('ada@acme.example')
    expect(await enrollFromManaged(managed, deps)).toBeNull()
    expect(await enrollFromManaged({}, deps)).toBeNull()
  })
})
