// The per-organisation hash-chained audit log, and the shared rate-limit counters.
import {
  index,
  bigserial,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    unique('audit_log_org_seq_uq').on(t.orgId, t.seq),
    // A leaver's evidence gathers every entry about their grants, case and plans.
    index('audit_log_org_subject_idx').on(t.orgId, t.subjectId),
  ]
)

/** Fixed-window counters shared by every server process (login and ingestion limits). */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [unique('rate_limits_key_window_uq').on(t.key, t.windowStart)]
)
