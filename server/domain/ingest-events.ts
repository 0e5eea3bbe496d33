// Takes a device's batch of events: stores each once (by event id) and updates the inventory.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { z } from 'zod'
import {
  DeviceEvent,
  type AiExtensionEvent,
  type AiUsageEvent,
  type ApprovalRequestEvent,
  type ConsentEvent,
  type EventBatchResult,
} from '../../shared/api/events.ts'
import { classifyConsent } from '../../shared/consent/classify-consent.ts'
import { findAiToolByExtensionId, findAiToolByHost } from '../../shared/catalog/find-ai-tool.ts'
import type { ConsentRequest, RiskLevel } from '../../shared/consent/types.ts'
import {
  aiUsage,
  approvalRequests,
  apps,
  browserExtensions,
  consentEvents,
  devices,
  grants,
  people,
} from '../db/schema/index.ts'
import type { Db, Transaction, Tx } from '../db/client.ts'
import { appendAudit, type AuditInput } from './audit-chain.ts'
import { enqueueAlert } from './webhooks.ts'
import type { DeviceIdentity } from './enrollment.ts'

type GrantStatus = (typeof grants.$inferSelect)['status']

function describeIssue(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`)
    .join('; ')
}

/** The app key of a consent: its client id, or the GitHub App slug; null for device codes. */
function appKeyOf(e: ConsentEvent): string | null {
  return e.request.clientId ?? (e.request.appSlug ? `app:${e.request.appSlug}` : null)
}

function toConsentRequest(e: ConsentEvent, scopes: string[]): ConsentRequest {
  const r = e.request
  return {
    provider: r.provider,
    kind: r.kind,
    host: r.host,
    endpoint: '',
    clientId: r.clientId,
    appSlug: r.appSlug,
    redirectUri: null,
    redirectHost: r.redirectHost,
    responseType: null,
    scopes,
    userScopes: r.userScopes,
    optionalScopes: r.optionalScopes,
    tenant: r.tenant,
    audience: r.audience,
    loginHint: r.loginHint,
    offlineAccess: r.offlineAccess,
    prompt: r.prompt,
    pkce: r.pkce,
    incrementalAuth: false,
    nested: false,
  }
}

const isEmail = (s: string | null): s is string => !!s && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)

/** Validate every event on its own: good ones go on, bad ones are reported with index and reason. */
export function validateBatch(raw: unknown[]) {
  const valid: DeviceEvent[] = []
  const rejected: EventBatchResult['rejected'] = []
  raw.forEach((item, index) => {
    const parsed = DeviceEvent.safeParse(item)
    if (parsed.success) valid.push(parsed.data)
    else {
      const id =
        item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string'
          ? (item as { id: string }).id.slice(0, 64)
          : null
      rejected.push({ index, id, reason: describeIssue(parsed.error) })
    }
  })
  return { valid, rejected }
}

const RETRYABLE = new Set(['40P01', '40001']) // deadlock detected, serialization failure

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } }
  return e?.code ?? e?.cause?.code
}

export async function ingestEvents(
  db: Db,
  device: DeviceIdentity,
  raw: unknown[],
  now: Date
): Promise<EventBatchResult> {
  const { valid, rejected } = validateBatch(raw)
  // The same id twice in one batch is stored once.
  const unique = [...new Map(valid.map((e) => [e.id, e])).values()]
  let stored: Set<string> = new Set()
  if (unique.length > 0) {
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await db.transaction((tx) => applyBatch(tx, device, unique, now))
        break
      } catch (error) {
        if (attempt >= 4 || !RETRYABLE.has(pgCode(error) ?? '')) throw error
      }
    }
  }
  const accepted = unique.filter((e) => stored.has(e.id)).map((e) => e.id)
  const duplicates = valid.filter((e) => !accepted.includes(e.id)).map((e) => e.id)
  return { accepted, duplicates: [...new Set(duplicates)], rejected }
}

async function applyBatch(
  tx: Transaction,
  device: DeviceIdentity,
  events: DeviceEvent[],
  now: Date
): Promise<Set<string>> {
  const orgId = device.orgId
  const sorted = [...events].sort((a, b) => (a.id < b.id ? -1 : 1))
  // One JSON parameter instead of seven per event: building a 700-parameter statement was the
  // largest CPU cost of a batch (see bench/ingest.bench.ts).
  const rows = sorted.map((e) => ({
    event_id: e.id,
    type: e.type,
    occurred_at: e.occurredAt,
    payload: e,
  }))
  const inserted = rowsOf<{ event_id: string }>(
    await tx.execute(sql`
      insert into consent_events (org_id, event_id, device_id, type, occurred_at, received_at, payload)
      select ${orgId}::uuid, x.event_id, ${device.deviceId}::uuid, x.type, x.occurred_at, ${now.toISOString()}::timestamptz, x.payload
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(event_id uuid, type text, occurred_at timestamptz, payload jsonb)
      on conflict (org_id, event_id) do nothing
      returning event_id`)
  ).map((r) => ({ eventId: r.event_id }))
  const fresh = new Set(inserted.map((r) => r.eventId))
  const todo = events
    .filter((e) => fresh.has(e.id))
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
  const audit: AuditInput[] = []
  await applyConsents(
    tx,
    device,
    todo.filter((e): e is ConsentEvent => e.type === 'consent'),
    now,
    audit
  )
  await applyUsage(
    tx,
    device,
    todo.filter((e): e is AiUsageEvent => e.type === 'ai_usage')
  )
  await applyExtensions(
    tx,
    device,
    todo.filter((e): e is AiExtensionEvent => e.type === 'ai_extension')
  )
  await applyApprovalRequests(
    tx,
    device,
    todo.filter((e): e is ApprovalRequestEvent => e.type === 'approval_request'),
    audit,
    now
  )
  // Touch the device at most once a minute: a row write per batch is contention for nothing.
  await tx
    .update(devices)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(devices.id, device.deviceId),
        or(isNull(devices.lastSeenAt), lt(devices.lastSeenAt, new Date(now.getTime() - 60_000)))
      )
    )
  await appendAudit(tx, orgId, audit, now)
  return fresh
}

interface GrantState {
  id: string | null
  appId: string
  personId: string | null
  account: string
  provider: string
  scopes: string[]
  risk: RiskLevel
  offlineAccess: boolean
  status: GrantStatus
  firstSeenAt: Date
  lastSeenAt: Date
  before: GrantStatus | null
}

async function applyConsents(
  tx: Transaction,
  device: DeviceIdentity,
  events: ConsentEvent[],
  now: Date,
  audit: AuditInput[]
) {
  const orgId = device.orgId
  for (const e of events) {
    if (e.policy?.justification || e.policy?.decision === 'blocked') {
      audit.push({
        actorType: 'device',
        actorId: device.deviceId,
        action: `consent.policy_${e.policy.decision}`,
        subjectType: 'event',
        subjectId: e.id,
        data: {
          provider: e.request.provider,
          clientId: e.request.clientId,
          action: e.policy.action,
          justification: e.policy.justification,
        },
      })
    }
  }
  // Only an outcome changes the inventory; "seen" and "abandoned" stay as events.
  const decisive = events.filter(
    (e) => (e.outcome === 'granted' || e.outcome === 'denied') && appKeyOf(e) !== null
  )
  if (decisive.length === 0) return

  // 1. Apps, upserted in a fixed order so concurrent batches do not deadlock.
  const appRows = new Map<
    string,
    { provider: string; clientId: string; e: ConsentEvent; first: Date; last: Date }
  >()
  for (const e of decisive) {
    const key = `${e.request.provider}\u0000${appKeyOf(e)}`
    const seen = new Date(e.occurredAt)
    const cur = appRows.get(key)
    appRows.set(key, {
      provider: e.request.provider,
      clientId: appKeyOf(e) ?? '',
      e,
      first: cur && cur.first < seen ? cur.first : seen,
      last: cur && cur.last > seen ? cur.last : seen,
    })
  }
  const appValues = [...appRows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { provider, clientId, e, first, last }]) => {
      const match = classifyConsent(toConsentRequest(e, e.request.scopes)).app
      return {
        orgId,
        provider,
        clientId,
        name: match.name,
        vendor: match.vendor,
        toolId: match.toolId,
        isAi: match.isAi,
        category: match.category,
        redirectHost: e.request.redirectHost,
        firstSeenAt: first,
        lastSeenAt: last,
      }
    })
  // New apps are inserted; existing ones are not rewritten by every batch (that held their row
  // locks until commit and queued every batch behind the popular apps). Their last-seen time is
  // advanced only when it is more than five minutes behind.
  const insertedApps = await tx
    .insert(apps)
    .values(appValues)
    .onConflictDoNothing({ target: [apps.orgId, apps.provider, apps.clientId] })
    .returning({
      id: apps.id,
      provider: apps.provider,
      clientId: apps.clientId,
      isAi: apps.isAi,
      name: apps.name,
    })
  const appIdOf = new Map(insertedApps.map((a) => [`${a.provider}\u0000${a.clientId}`, a.id]))
  for (const a of insertedApps) {
    audit.push({
      actorType: 'device',
      actorId: device.deviceId,
      action: 'app.discovered',
      subjectType: 'app',
      subjectId: a.id,
      data: { provider: a.provider, clientId: a.clientId, name: a.name, isAi: a.isAi },
    })
  }
  const known = appValues.filter((v) => !appIdOf.has(`${v.provider}\u0000${v.clientId}`))
  if (known.length > 0) {
    const existing = await tx
      .select({
        id: apps.id,
        provider: apps.provider,
        clientId: apps.clientId,
        firstSeenAt: apps.firstSeenAt,
        lastSeenAt: apps.lastSeenAt,
      })
      .from(apps)
      .where(
        and(
          eq(apps.orgId, orgId),
          inArray(apps.clientId, [...new Set(known.map((k) => k.clientId))])
        )
      )
    const seenOf = new Map(known.map((k) => [`${k.provider}\u0000${k.clientId}`, k]))
    const stale: Array<{ id: string; first: Date; last: Date }> = []
    for (const row of existing) {
      const key = `${row.provider}\u0000${row.clientId}`
      const seen = seenOf.get(key)
      if (!seen) continue
      appIdOf.set(key, row.id)
      const later = seen.lastSeenAt.getTime() - row.lastSeenAt.getTime() > 5 * 60_000
      const earlier = row.firstSeenAt.getTime() - seen.firstSeenAt.getTime() > 5 * 60_000
      if (later || earlier)
        stale.push({ id: row.id, first: seen.firstSeenAt, last: seen.lastSeenAt })
    }
    if (stale.length > 0) {
      // SKIP LOCKED: an app row another batch is updating right now is left to that batch.
      const values = JSON.stringify(
        stale.map((x) => ({ id: x.id, first: x.first.toISOString(), last: x.last.toISOString() }))
      )
      await tx.execute(sql`
        update apps set
          last_seen_at = greatest(apps.last_seen_at, v.last),
          first_seen_at = least(apps.first_seen_at, v.first)
        from jsonb_to_recordset(${values}::jsonb) as v(id uuid, first timestamptz, last timestamptz)
        where apps.id = v.id
          and apps.id in (select id from apps where id in (select (x->>'id')::uuid from jsonb_array_elements(${values}::jsonb) x) for update skip locked)`)
    }
  }

  // 2. The person: the device's employee, else the account the consent was for.
  const personOf = new Map<string, string>()
  const emails = [
    ...new Set(
      decisive
        .map((e) => (device.personId ? null : e.request.loginHint))
        .filter(isEmail)
        .map((s) => s.toLowerCase())
    ),
  ].sort()
  if (emails.length > 0) {
    const rows = await tx
      .insert(people)
      .values(emails.map((email) => ({ orgId, email, createdAt: now, updatedAt: now })))
      .onConflictDoUpdate({
        target: [people.orgId, people.email],
        set: { email: sql`excluded.email` },
      })
      .returning({ id: people.id, email: people.email })
    for (const r of rows) personOf.set(r.email, r.id)
  }
  const personIdFor = (e: ConsentEvent) =>
    device.personId ??
    (isEmail(e.request.loginHint)
      ? (personOf.get(e.request.loginHint.toLowerCase()) ?? null)
      : null)

  // 3. Grants: lock each grant key (in order), read what exists, fold the events in, write back.
  const keyOf = (appId: string, personId: string | null, account: string) =>
    `${appId}|${personId ?? ''}|${account}`
  const keyed = decisive.map((e) => {
    const appId = appIdOf.get(`${e.request.provider}\u0000${appKeyOf(e)}`) ?? ''
    const personId = personIdFor(e)
    const account = (e.request.loginHint ?? '').toLowerCase()
    return { e, appId, personId, account, key: keyOf(appId, personId, account) }
  })
  const keys = [...new Set(keyed.map((k) => k.key))].sort()
  const keyList = sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `
  )
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(k, 1)) from unnest(array[${keyList}]::text[]) as k order by k`
  )
  const keySet = new Set(keys)
  const personIds = [
    ...new Set(keyed.map((k) => k.personId).filter((p): p is string => p !== null)),
  ]
  const personFilter = keyed.some((k) => k.personId === null)
    ? or(
        isNull(grants.personId),
        personIds.length ? inArray(grants.personId, personIds) : undefined
      )
    : inArray(grants.personId, personIds)
  const existing = await tx
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.orgId, orgId),
        inArray(grants.appId, [...new Set(keyed.map((k) => k.appId))]),
        personFilter
      )
    )
  const state = new Map<string, GrantState>()
  for (const g of existing) {
    const key = keyOf(g.appId, g.personId, g.account)
    if (keySet.has(key)) state.set(key, { ...g, before: g.status })
  }
  for (const { e, appId, personId, account, key } of keyed) {
    const seen = new Date(e.occurredAt)
    const requested = [...e.request.scopes, ...e.request.userScopes]
    const granted = e.outcome === 'granted' ? (e.grantedScopes ?? requested) : []
    const prev = state.get(key)
    // A refused first request keeps what was asked for, so reviewers see what was at stake.
    const scopes =
      prev || granted.length ? [...new Set([...(prev?.scopes ?? []), ...granted])] : requested
    const risk = classifyConsent(toConsentRequest(e, scopes.length ? scopes : requested)).risk
    let status: GrantStatus
    if (e.outcome === 'granted') status = 'active'
    else status = prev ? prev.status : 'denied' // a refused re-consent does not undo an earlier grant
    state.set(key, {
      id: prev?.id ?? null,
      appId,
      personId,
      account,
      provider: e.request.provider,
      scopes,
      risk: e.outcome === 'granted' || !prev ? risk : prev.risk,
      offlineAccess:
        (prev?.offlineAccess ?? false) || (e.outcome === 'granted' && e.request.offlineAccess),
      status,
      firstSeenAt: prev && prev.firstSeenAt < seen ? prev.firstSeenAt : seen,
      lastSeenAt: prev && prev.lastSeenAt > seen ? prev.lastSeenAt : seen,
      before: prev ? prev.before : null,
    })
  }
  const rows = [...state.entries()]
    .filter(([k]) => keySet.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, s]) => s)
  const written = await tx
    .insert(grants)
    .values(
      rows.map((s) => ({
        orgId,
        appId: s.appId,
        personId: s.personId,
        account: s.account,
        provider: s.provider,
        scopes: s.scopes,
        risk: s.risk,
        offlineAccess: s.offlineAccess,
        status: s.status,
        source: 'extension' as const,
        deviceId: device.deviceId,
        firstSeenAt: s.firstSeenAt,
        lastSeenAt: s.lastSeenAt,
        updatedAt: now,
      }))
    )
    .onConflictDoUpdate({
      target: [grants.orgId, grants.appId, grants.personId, grants.account],
      set: {
        scopes: sql`excluded.scopes`,
        risk: sql`excluded.risk`,
        offlineAccess: sql`excluded.offline_access`,
        status: sql`excluded.status`,
        firstSeenAt: sql`excluded.first_seen_at`,
        lastSeenAt: sql`excluded.last_seen_at`,
        deviceId: sql`excluded.device_id`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning({
      id: grants.id,
      appId: grants.appId,
      personId: grants.personId,
      account: grants.account,
    })
  const idOf = new Map(written.map((w) => [keyOf(w.appId, w.personId, w.account), w.id]))
  const appInfo = new Map<string, { name: string | null; isAi: boolean; clientId: string }>()
  for (const v of appValues) {
    const id = appIdOf.get(`${v.provider}\u0000${v.clientId}`)
    if (id) appInfo.set(id, { name: v.name, isAi: v.isAi, clientId: v.clientId })
  }
  const loud = new Set(['high', 'critical'])
  for (const s of rows) {
    const id = idOf.get(keyOf(s.appId, s.personId, s.account)) ?? null
    const app = appInfo.get(s.appId)
    const becameActive = s.status === 'active' && s.before !== 'active'
    if (becameActive && app?.isAi && loud.has(s.risk)) {
      await enqueueAlert(
        tx,
        orgId,
        'grant.high_risk',
        {
          grantId: id,
          appId: s.appId,
          appName: app.name,
          clientId: app.clientId,
          provider: s.provider,
          personEmail: device.email ?? (s.account || null),
          risk: s.risk,
          scopes: s.scopes,
        },
        now
      )
    }
    if (s.before === null) {
      audit.push({
        actorType: 'device',
        actorId: device.deviceId,
        action: 'grant.created',
        subjectType: 'grant',
        subjectId: id,
        data: {
          appId: s.appId,
          personId: s.personId,
          status: s.status,
          risk: s.risk,
          scopes: s.scopes,
        },
      })
    } else if (s.before !== s.status) {
      audit.push({
        actorType: 'device',
        actorId: device.deviceId,
        action: 'grant.status_changed',
        subjectType: 'grant',
        subjectId: id,
        data: { from: s.before, to: s.status, risk: s.risk },
      })
    }
  }
}

async function applyUsage(tx: Tx, device: DeviceIdentity, events: AiUsageEvent[]) {
  if (events.length === 0) return
  const byKey = new Map<
    string,
    { domain: string; day: string; visits: number; signIns: number; first: Date; last: Date }
  >()
  for (const e of events) {
    const key = `${e.domain}|${e.day}`
    const at = new Date(e.occurredAt)
    const cur = byKey.get(key) ?? {
      domain: e.domain,
      day: e.day,
      visits: 0,
      signIns: 0,
      first: at,
      last: at,
    }
    cur.visits += e.visits
    cur.signIns += e.signIns
    if (at < cur.first) cur.first = at
    if (at > cur.last) cur.last = at
    byKey.set(key, cur)
  }
  const values = [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, u]) => ({
      orgId: device.orgId,
      deviceId: device.deviceId,
      domain: u.domain,
      toolId: findAiToolByHost(u.domain)?.id ?? null,
      day: u.day,
      visits: u.visits,
      signIns: u.signIns,
      firstSeenAt: u.first,
      lastSeenAt: u.last,
    }))
  await tx
    .insert(aiUsage)
    .values(values)
    .onConflictDoUpdate({
      target: [aiUsage.orgId, aiUsage.deviceId, aiUsage.domain, aiUsage.day],
      set: {
        visits: sql`${aiUsage.visits} + excluded.visits`,
        signIns: sql`${aiUsage.signIns} + excluded.sign_ins`,
        firstSeenAt: sql`least(${aiUsage.firstSeenAt}, excluded.first_seen_at)`,
        lastSeenAt: sql`greatest(${aiUsage.lastSeenAt}, excluded.last_seen_at)`,
      },
    })
}

async function applyExtensions(tx: Tx, device: DeviceIdentity, events: AiExtensionEvent[]) {
  if (events.length === 0) return
  const latest = new Map<string, AiExtensionEvent>()
  for (const e of events) latest.set(e.extensionId, e) // events are in time order
  const values = [...latest.values()]
    .sort((a, b) => (a.extensionId < b.extensionId ? -1 : 1))
    .map((e) => ({
      orgId: device.orgId,
      deviceId: device.deviceId,
      extensionId: e.extensionId,
      name: e.name,
      toolId: findAiToolByExtensionId(e.extensionId)?.id ?? null,
      permissions: [...e.permissions, ...e.hostPermissions],
      enabled: e.enabled ? 1 : 0,
      firstSeenAt: new Date(e.occurredAt),
      lastSeenAt: new Date(e.occurredAt),
    }))
  await tx
    .insert(browserExtensions)
    .values(values)
    .onConflictDoUpdate({
      target: [browserExtensions.orgId, browserExtensions.deviceId, browserExtensions.extensionId],
      set: {
        name: sql`excluded.name`,
        permissions: sql`excluded.permissions`,
        enabled: sql`excluded.enabled`,
        lastSeenAt: sql`greatest(${browserExtensions.lastSeenAt}, excluded.last_seen_at)`,
      },
    })
}

async function applyApprovalRequests(
  tx: Transaction,
  device: DeviceIdentity,
  events: ApprovalRequestEvent[],
  audit: AuditInput[],
  now: Date
) {
  if (events.length === 0) return
  const rows = await tx
    .insert(approvalRequests)
    .values(
      events.map((e) => {
        const request = toConsentRequest({ request: e.request } as ConsentEvent, e.request.scopes)
        return {
          orgId: device.orgId,
          eventId: e.id,
          deviceId: device.deviceId,
          personId: device.personId,
          provider: e.request.provider,
          clientId: e.request.clientId ?? (e.request.appSlug ? `app:${e.request.appSlug}` : ''),
          appName: classifyConsent(request).app.name,
          scopes: [...e.request.scopes, ...e.request.userScopes],
          reason: e.reason,
          createdAt: new Date(e.occurredAt),
        }
      })
    )
    .returning({
      id: approvalRequests.id,
      provider: approvalRequests.provider,
      clientId: approvalRequests.clientId,
      reason: approvalRequests.reason,
      appName: approvalRequests.appName,
    })
  for (const r of rows) {
    audit.push({
      actorType: 'device',
      actorId: device.deviceId,
      action: 'approval.requested',
      subjectType: 'approval_request',
      subjectId: r.id,
      data: { provider: r.provider, clientId: r.clientId, reason: r.reason },
    })
    await enqueueAlert(
      tx,
      device.orgId,
      'approval.requested',
      {
        requestId: r.id,
        provider: r.provider,
        clientId: r.clientId,
        appName: r.appName,
        reason: r.reason,
        personEmail: device.email,
      },
      now
    )
  }
}

/** Rows of a raw query, whichever driver ran it (postgres.js: an array; PGlite: { rows }). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}
