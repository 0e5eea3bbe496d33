// What the offboarding workspace reads and does beyond planning: a leaver's case with its plans and
// whether it may close, every revocation job filtered and paginated, the failed-revocation count,
// the evidence (JSON and printable HTML) whose audit hashes the chain confirms, and closing a case
// (refused while revocations run, by the scheduler once everything is verified, with a note when
// something is still live). Providers are the Google and Okta simulators.
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { people, revocationJobs } from '../../server/db/schema/index.ts'
import { canonicalJson } from '../../server/domain/audit-chain.ts'
import { closeSettledCases } from '../../server/domain/close-case.ts'
import type { WorkerDeps } from '../../server/domain/revocation-worker.ts'
import { createTestWorker, drainPlan } from '../support/revocation-harness.ts'
import type { ProviderId } from '../../server/providers/types.ts'
import {
  routeToSimulators,
  SIMULATOR_ADAPTERS,
  type SimulatorAdapter,
} from '../simulators/contract-adapters.ts'
import { TEST_DB_KINDS } from '../support/test-db.ts'
import {
  consentEvent,
  createTestServer,
  type AdminClient,
  type OrgFixture,
  type TestServer,
} from '../support/test-server.ts'

const PROVIDERS = ['google', 'okta'] as const satisfies readonly ProviderId[]
const HOSTS = { google: 'accounts.google.com', okta: 'acme.okta.com' }

interface CaseView {
  person: { email: string }
  case: { id: string; state: string; closedBy: string | null; closeNote: string | null } | null
  toRevoke: Array<{ id: string; provider: string }>
  followUps: Array<{ id: string; followUp: string }>
  plans: Array<{ id: string; state: string; counts: Record<string, number> }>
  closable: { ok: boolean; reason: string | null; needsNote: boolean }
}

interface Evidence {
  format: string
  person: { email: string }
  case: { state: string } | null
  summary: { grants: number; verified: number; stillLive: number; failed: number }
  grants: Array<{ id: string; status: string; revocation: { state: string } | null }>
  plans: Array<{ plannedBy: string | null; approvedBy: string | null }>
  audit: {
    chain: { ok: boolean }
    entries: Array<{
      seq: number
      hash: string
      prevHash: string
      action: string
      subjectId: string | null
      [key: string]: unknown
    }>
  }
}

describe.each(TEST_DB_KINDS)('offboarding workspace on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let approver: AdminClient
  const sims = {} as Record<(typeof PROVIDERS)[number], SimulatorAdapter>
  let routes: typeof fetch | null = null
  const router: typeof fetch = (input, init) =>
    (routes ??= routeToSimulators(Object.values(sims)))(input, init)
  let worker: WorkerDeps

  const drain = (planId: string) => drainPlan(server, worker, planId)

  /** A leaver (leaving day today) whose browser reported grants the providers hold. */
  async function leaver(
    email: string,
    perProvider = 1,
    extra: Array<ReturnType<typeof consentEvent>> = []
  ) {
    server.now.value = new Date(server.now.value.getTime() + 60_000)
    const device = await org.enrollDevice(email)
    const events = [...extra]
    for (const provider of PROVIDERS)
      for (const clientId of sims[provider].seedUser(email, perProvider).clientIds)
        events.push(
          consentEvent({
            request: {
              provider,
              host: HOSTS[provider],
              clientId,
              loginHint: email,
              redirectHost: 'app.example-ai.com',
            },
          })
        )
    expect((await device.send(events)).status).toBe(200)
    const marked = await org.owner.request('POST', '/api/v1/leavers', {
      email,
      departureDate: server.now.value.toISOString().slice(0, 10),
    })
    expect(marked.status).toBe(201)
    return ((await marked.json()) as { personId: string }).personId
  }

  async function planAndApprove(personId: string) {
    const planned = await org.owner.request('POST', '/api/v1/revocations/plans', {
      scope: 'leaver',
      personId,
    })
    expect(planned.status).toBe(201)
    const { planId } = (await planned.json()) as { planId: string }
    expect(
      (await approver.request('POST', `/api/v1/revocations/plans/${planId}/approve`)).status
    ).toBe(200)
    return planId
  }

  const view = async (personId: string) => {
    const res = await org.owner.request('GET', `/api/v1/leavers/${personId}`)
    expect(res.status).toBe(200)
    return (await res.json()) as CaseView
  }

  beforeAll(async () => {
    server = await createTestServer(kind, {}, { fetch: router })
    worker = createTestWorker(server, router)
    for (const provider of PROVIDERS)
      sims[provider] = SIMULATOR_ADAPTERS[provider]({ clock: () => server.now.value })
    org = await server.createOrg('Acme')
    for (const provider of PROVIDERS) {
      const saved = await org.owner.request('PUT', `/api/v1/connections/${provider}`, {
        credentials: sims[provider].credentials,
        baseUrls: sims[provider].baseUrls,
      })
      expect(saved.status, await saved.clone().text()).toBe(200)
    }
    await org.owner.request('PUT', '/api/v1/revocations/settings', { requireSecondApprover: true })
    approver = await org.addAdmin('admin')
  }, 120_000)
  afterAll(() => server?.close())

  it('shows the case with its plans; refuses to close while revocations run; the scheduler closes it once all is verified', async () => {
    const personId = await leaver('ada@acme.example', 2)
    const before = await view(personId)
    expect(before.toRevoke).toHaveLength(4)
    expect(before.plans).toEqual([])
    expect(before.closable).toMatchObject({ ok: true, needsNote: true })

    const planId = await planAndApprove(personId)
    const running = await view(personId)
    expect(running.plans).toEqual([
      expect.objectContaining({ id: planId, state: 'approved', counts: { approved: 4 } }),
    ])
    expect(running.closable.ok).toBe(false)
    const refused = await org.owner.request('POST', `/api/v1/leavers/${personId}/close`, {
      note: 'done',
    })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({
      error: { code: 'not_closable', message: expect.stringContaining('still running') },
    })

    await drain(planId)
    const settled = await view(personId)
    expect(settled.plans[0]).toMatchObject({ state: 'done', counts: { verified: 4 } })
    expect(settled.toRevoke).toEqual([])
    expect(settled.closable).toEqual({ ok: true, reason: null, needsNote: false })

    // The scheduler moves the due case on, then closes it: nothing of theirs is live.
    const { advanceDueCases } = await import('../../server/domain/advance-due-cases.ts')
    await advanceDueCases(server.db.db, server.now.value)
    expect(await closeSettledCases(server.db.db, server.now.value)).toBeGreaterThanOrEqual(1)
    const closed = await view(personId)
    expect(closed.case).toMatchObject({ state: 'done', closedBy: null })
    expect(closed.closable.ok).toBe(false)
    const audit = (await (
      await org.owner.request('GET', `/api/v1/audit?action=case.closed&subject=${closed.case!.id}`)
    ).json()) as { items: Array<{ data: { verified: number } }> }
    expect(audit.items).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ verified: 4 }) }),
    ])
  }, 60_000)

  it('exports evidence whose audit hashes recompute and are confirmed by the chain; a forged hash is not', async () => {
    const personId = await leaver('grace@acme.example', 1)
    const planId = await planAndApprove(personId)
    await drain(planId)

    const res = await org.owner.request('GET', `/api/v1/leavers/${personId}/evidence`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const evidence = (await res.json()) as Evidence
    expect(evidence).toMatchObject({
      format: 'consentry.offboarding-evidence/v1',
      person: { email: 'grace@acme.example' },
      summary: { grants: 2, verified: 2, stillLive: 0, failed: 0 },
      plans: [
        { plannedBy: expect.stringContaining('@'), approvedBy: expect.stringContaining('@') },
      ],
    })
    expect(
      evidence.grants.every((g) => g.status === 'revoked' && g.revocation?.state === 'verified')
    ).toBe(true)
    const actions = evidence.audit.entries.map((e) => e.action)
    for (const action of [
      'person.left',
      'revocation.planned',
      'revocation.approved',
      'revocation.revoked',
      'revocation.verified',
    ])
      expect(actions).toContain(action)

    // An auditor recomputes each hash from the entry itself...
    for (const entry of evidence.audit.entries) {
      const { hash, prevHash, ...body } = entry
      const recomputed = createHash('sha256')
        .update(prevHash)
        .update('\n')
        .update(canonicalJson(body))
        .digest('hex')
      expect(recomputed, `entry ${entry.seq}`).toBe(hash)
    }
    // ...and asks the server whether its chain holds those hashes at those places.
    const entries = evidence.audit.entries.map(({ seq, hash }) => ({ seq, hash }))
    const verified = await org.owner.request('POST', '/api/v1/audit/verify', { entries })
    expect(verified.status).toBe(200)
    const answer = (await verified.json()) as {
      ok: boolean
      chainOk: boolean
      checked: Array<{ ok: boolean }>
    }
    expect(answer.ok).toBe(true)
    expect(answer.checked.every((c) => c.ok)).toBe(true)

    const forged = [...entries]
    forged[0] = { seq: forged[0]!.seq, hash: 'f'.repeat(64) }
    const refuted = (await (
      await org.owner.request('POST', '/api/v1/audit/verify', { entries: forged })
    ).json()) as {
      ok: boolean
      chainOk: boolean
      checked: Array<{ ok: boolean }>
    }
    expect(refuted).toMatchObject({ ok: false, chainOk: true })
    expect(refuted.checked[0]!.ok).toBe(false)
    expect(
      (
        await org.owner.request('POST', '/api/v1/audit/verify', {
          entries: [{ seq: 1, hash: 'nope' }],
        })
      ).status
    ).toBe(400)
  }, 60_000)

  it('renders printable evidence with every value escaped and its stylesheet allowed by nonce only', async () => {
    const personId = await leaver('alan@acme.example', 1)
    // A name comes from the identity provider or HR: it must come out as text.
    await server.db.db
      .update(people)
      .set({ name: '<script>alert(1)</script>' })
      .where(eq(people.id, personId))
    const renamed = await org.owner.request('GET', `/api/v1/leavers/${personId}/evidence.html`)
    expect(renamed.status).toBe(200)
    expect(renamed.headers.get('content-type')).toContain('text/html')
    const csp = renamed.headers.get('content-security-policy') ?? ''
    const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    const page = await renamed.text()
    expect(page).toContain(`<style nonce="${nonce}">`)
    expect(page).toContain('Offboarding evidence')
    expect(page).not.toMatch(/<script/i)
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('lists every job filtered by state, provider and plan, paginated, and counts failed revocations', async () => {
    const personId = await leaver('linus@acme.example', 3)
    const planId = await planAndApprove(personId)
    const all = (await (
      await org.owner.request('GET', `/api/v1/revocations/jobs?planId=${planId}&limit=4`)
    ).json()) as {
      items: Array<{ id: string; planId: string; personId: string; appName: string }>
      nextCursor: string | null
    }
    expect(all.items).toHaveLength(4)
    expect(
      all.items.every(
        (j) => j.planId === planId && j.personId === personId && j.appName !== undefined
      )
    ).toBe(true)
    expect(all.nextCursor).toEqual(expect.any(String))
    const rest = (await (
      await org.owner.request(
        'GET',
        `/api/v1/revocations/jobs?planId=${planId}&limit=4&cursor=${all.nextCursor}`
      )
    ).json()) as { items: Array<{ id: string }>; nextCursor: string | null }
    expect(rest.items).toHaveLength(2)
    expect(rest.nextCursor).toBeNull()
    expect(new Set([...all.items, ...rest.items].map((j) => j.id)).size).toBe(6)

    const okta = (await (
      await org.owner.request('GET', `/api/v1/revocations/jobs?planId=${planId}&provider=okta`)
    ).json()) as { items: Array<{ provider: string }> }
    expect(okta.items.map((j) => j.provider)).toEqual(['okta', 'okta', 'okta'])
    expect((await org.owner.request('GET', '/api/v1/revocations/jobs?cursor=bogus')).status).toBe(
      400
    )
    expect((await org.owner.request('GET', '/api/v1/revocations/jobs?state=lost')).status).toBe(400)

    // A job marked failed by hand stands for a provider's refusal: the overview counts it.
    const [one] = await server.db.db
      .select()
      .from(revocationJobs)
      .where(eq(revocationJobs.planId, planId))
      .limit(1)
    await server.db.db
      .update(revocationJobs)
      .set({ state: 'dead' })
      .where(eq(revocationJobs.id, one!.id))
    const summary = (await (await org.owner.request('GET', '/api/v1/summary')).json()) as {
      failedRevocations: number
      reappearedGrants: number
    }
    expect(summary.failedRevocations).toBe(1)
    expect(summary.reappearedGrants).toBe(0)
    const dead = (await (
      await org.owner.request('GET', `/api/v1/revocations/jobs?state=dead`)
    ).json()) as { items: Array<{ id: string }> }
    expect(dead.items.map((j) => j.id)).toEqual([one!.id])
    // What the overview's card counts, listed: failed and dead together.
    const failing = (await (
      await org.owner.request('GET', `/api/v1/revocations/jobs?state=failed,dead`)
    ).json()) as { items: Array<{ id: string }> }
    expect(failing.items.map((j) => j.id)).toEqual([one!.id])
    expect(
      (await org.owner.request('GET', '/api/v1/revocations/jobs?state=failed,lost')).status
    ).toBe(400)
  }, 60_000)

  it('closes a case with grants still live only with a note, cancelling plans nobody approved', async () => {
    // A personal Gmail account's grant: an admin cannot revoke it, so it is a follow-up.
    const personal = consentEvent({
      request: {
        provider: 'google',
        host: HOSTS.google,
        clientId: 'personal-client.apps.googleusercontent.com',
        loginHint: 'mary.private@gmail.com',
        redirectHost: 'app.example-ai.com',
      },
    })
    const personId = await leaver('mary@acme.example', 1, [personal])
    const kase = await view(personId)
    expect(kase.followUps).toHaveLength(1)
    const planned = await org.owner.request('POST', '/api/v1/revocations/plans', {
      scope: 'leaver',
      personId,
    })
    const { planId } = (await planned.json()) as { planId: string }

    // A plan can be dropped before anyone approves it, never after.
    const second = (await (
      await org.owner.request('POST', '/api/v1/revocations/plans', { scope: 'leaver', personId })
    ).json()) as { planId: string }
    const cancelled = await org.owner.request(
      'POST',
      `/api/v1/revocations/plans/${second.planId}/cancel`
    )
    expect(cancelled.status).toBe(200)
    const dropped = (await (
      await org.owner.request('GET', `/api/v1/revocations/plans/${second.planId}`)
    ).json()) as { plan: { state: string }; counts: Record<string, number> }
    expect(dropped.plan.state).toBe('cancelled')
    expect(Object.keys(dropped.counts)).toEqual(['cancelled'])
    expect(
      (await org.owner.request('POST', `/api/v1/revocations/plans/${second.planId}/cancel`)).status
    ).toBe(409)

    const noNote = await org.owner.request('POST', `/api/v1/leavers/${personId}/close`, {
      note: null,
    })
    expect(noNote.status).toBe(409)
    expect(await noNote.json()).toMatchObject({
      error: { message: expect.stringContaining('still live') },
    })

    const closed = await org.owner.request('POST', `/api/v1/leavers/${personId}/close`, {
      note: 'Mary removed the Gmail grant herself; Google and Okta grants revoked by hand',
    })
    expect(closed.status).toBe(200)
    const after = await view(personId)
    expect(after.case).toMatchObject({
      state: 'done',
      closeNote: expect.stringContaining('Mary removed'),
    })
    expect(after.plans[0]).toMatchObject({ id: planId, state: 'cancelled' })
    const again = await org.owner.request('POST', `/api/v1/leavers/${personId}/close`, {
      note: 'x',
    })
    expect(again.status).toBe(409)
  }, 60_000)

  it('describes a form for each provider whose fields its credentials schema knows', async () => {
    const { PROVIDER_REGISTRY } = await import('../../server/providers/index.ts')
    const res = await org.owner.request('GET', '/api/v1/connections/providers')
    const { items } = (await res.json()) as {
      items: Array<{
        id: ProviderId
        fields: Array<{ key: string; required: boolean; type: string }>
        baseUrlKeys: Array<{ key: string }>
      }>
    }
    expect(items.map((i) => i.id)).toEqual(['google', 'microsoft', 'github', 'slack', 'okta'])
    for (const form of items) {
      const schema = PROVIDER_REGISTRY[form.id].credentials as unknown as {
        shape: Record<string, unknown>
      }
      expect(Object.keys(schema.shape).sort(), form.id).toEqual(
        form.fields.map((f) => f.key).sort()
      )
      for (const field of form.fields.filter((f) => f.type === 'boolean'))
        expect((field as { default?: boolean }).default, `${form.id}.${field.key}`).toEqual(
          expect.any(Boolean)
        )
      // An empty submission names every required field.
      const issues = PROVIDER_REGISTRY[form.id].credentials.safeParse({}).error?.issues ?? []
      for (const field of form.fields.filter((f) => f.required))
        expect(
          issues.map((i) => i.path[0]),
          `${form.id}.${field.key}`
        ).toContain(field.key)
    }
  })
})
