// CSV import of leavers: email, departure date (future dates schedule), optional manager and
// successor. Every row is validated; bad rows are reported by line with the reason, good rows are
// applied; importing the same file again changes nothing.
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { Db } from '../db/client.ts'
import { markLeaving, upsertPersonRecord, type FeedActor } from './leavers.ts'

const Row = z.object({
  email: z.email('not an email address'),
  departure_date: z.iso.date('departure_date must be a date as YYYY-MM-DD'),
  manager: z.email('manager must be an email address').optional(),
  successor: z.email('successor must be an email address').optional(),
})

const HEADERS = ['email', 'departure_date', 'manager', 'successor']
export const MAX_CSV_ROWS = 50_000

export interface ImportResult {
  applied: number
  unchanged: number
  rejected: Array<{ line: number; reason: string }>
}

export async function importLeaversCsv(
  db: Db,
  orgId: string,
  csv: string,
  actor: FeedActor,
  now: Date
): Promise<ImportResult> {
  let records: Array<{ record: Record<string, string>; line: number }>
  try {
    records = (
      parse(csv, {
        columns: (header: string[]) =>
          header.map((h) =>
            h
              .trim()
              .toLowerCase()
              .replace(/[\s-]+/g, '_')
          ),
        skip_empty_lines: true,
        trim: true,
        bom: true,
        relax_column_count: true,
        info: true,
      }) as Array<{ record: Record<string, string>; info: { lines: number } }>
    ).map((r) => ({ record: r.record, line: r.info.lines }))
  } catch (error) {
    return {
      applied: 0,
      unchanged: 0,
      rejected: [
        {
          line: (error as { lines?: number }).lines ?? 1,
          reason: `not a readable CSV file: ${(error as Error).message}`,
        },
      ],
    }
  }
  const result: ImportResult = { applied: 0, unchanged: 0, rejected: [] }
  const first = records[0]?.record
  if (first && !('email' in first && 'departure_date' in first)) {
    return {
      ...result,
      rejected: [
        {
          line: 1,
          reason: `the header must name the columns ${HEADERS.join(', ')} (manager and successor optional)`,
        },
      ],
    }
  }
  if (records.length > MAX_CSV_ROWS)
    return { ...result, rejected: [{ line: 1, reason: `at most ${MAX_CSV_ROWS} rows per file` }] }
  for (const { record, line } of records) {
    const cleaned = Object.fromEntries(
      Object.entries(record).filter(([, v]) => v !== '' && v !== undefined)
    )
    const parsed = Row.safeParse(cleaned)
    if (!parsed.success) {
      result.rejected.push({ line, reason: parsed.error.issues.map((i) => i.message).join('; ') })
      continue
    }
    const r = parsed.data
    const changed = await db.transaction(async (tx) => {
      const { personId } = await upsertPersonRecord(tx, orgId, { email: r.email }, 'csv', now)
      return (
        await markLeaving(
          tx,
          orgId,
          {
            personId,
            departureDate: r.departure_date,
            source: 'csv',
            actor,
            managerEmail: r.manager ?? null,
            successorEmail: r.successor ?? null,
          },
          now
        )
      ).changed
    })
    if (changed) result.applied += 1
    else result.unchanged += 1
  }
  return result
}
