// Shadow AI beyond OAuth: visits to and sign-ins on AI tool domains, counted per domain and day.
// Only the catalog domain and the counts are kept: never a URL, a path or a query string.
import type { DeviceEventInput } from '../../shared/api/events.ts'
import { findAiToolDomain } from '../../shared/catalog/find-ai-tool.ts'
import type { ExtensionDb, UsageRow } from './outbox/db.ts'
import type { Outbox } from './outbox/outbox.ts'

function hostOf(url: string): string | null {
  if (!url.startsWith('https://') && !url.startsWith('http://')) return null
  try {
    return new URL(url).hostname
  } catch {
    return null
  }
}

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10)

export function createUsageTracker(deps: { db: ExtensionDb; outbox: Outbox; newId: () => string }) {
  async function bump(domain: string, at: number, field: 'visits' | 'signIns') {
    const day = dayOf(at)
    const key = `${domain}|${day}`
    await deps.db.transaction('rw', deps.db.usage, async () => {
      const row: UsageRow = (await deps.db.usage.get(key)) ?? {
        key,
        domain,
        day,
        visits: 0,
        signIns: 0,
        reportedVisits: 0,
        reportedSignIns: 0,
        firstAt: at,
        lastAt: at,
      }
      row[field] += 1
      row.lastAt = Math.max(row.lastAt, at)
      await deps.db.usage.put(row)
    })
  }

  return {
    /** A committed main-frame navigation; returns false at once for non-AI hosts. */
    onVisit(url: string, at: number): Promise<void> | false {
      const host = hostOf(url)
      const match = host ? findAiToolDomain(host) : null
      return match ? bump(match.domain, at, 'visits') : false
    },

    /** A consent granted to an app on an AI tool's domain is a sign-in there. */
    onSignIn(redirectHost: string | null, at: number): Promise<void> | false {
      const match = redirectHost ? findAiToolDomain(redirectHost) : null
      return match ? bump(match.domain, at, 'signIns') : false
    },

    /** Queue what has not been reported yet as ai_usage events (deltas), atomically. */
    async report(at: number): Promise<number> {
      return deps.db.transaction('rw', deps.db.usage, deps.db.outbox, async () => {
        const rows = await deps.db.usage.toArray()
        const events: DeviceEventInput[] = []
        for (const row of rows) {
          const visits = row.visits - row.reportedVisits
          const signIns = row.signIns - row.reportedSignIns
          if (visits <= 0 && signIns <= 0) continue
          events.push({
            id: deps.newId(),
            type: 'ai_usage',
            occurredAt: new Date(at).toISOString(),
            domain: row.domain,
            day: row.day,
            visits,
            signIns,
          })
          await deps.db.usage.put({
            ...row,
            reportedVisits: row.visits,
            reportedSignIns: row.signIns,
          })
        }
        await deps.outbox.enqueue(events)
        // Days long reported in full are forgotten.
        const cutoff = dayOf(at - 8 * 86_400_000)
        await deps.db.usage.where('day').below(cutoff).delete()
        return events.length
      })
    },
  }
}
export type UsageTracker = ReturnType<typeof createUsageTracker>
