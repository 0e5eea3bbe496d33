// Raw reports from devices, kept as received (idempotent by event id), and shadow-AI usage rollups.
import {
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { devices } from './devices.ts'

export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** The id the device gave the event; a retried batch carries the same ids. */
    eventId: uuid('event_id').notNull(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [
    unique('consent_events_org_event_uq').on(t.orgId, t.eventId),
    index('consent_events_device_idx').on(t.deviceId),
  ]
)

export const aiUsage = pgTable(
  'ai_usage',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    domain: text('domain').notNull(),
    toolId: text('tool_id'),
    day: date('day').notNull(),
    visits: integer('visits').notNull().default(0),
    signIns: integer('sign_ins').notNull().default(0),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('ai_usage_device_domain_day_uq').on(t.orgId, t.deviceId, t.domain, t.day)]
)

export const browserExtensions = pgTable(
  'browser_extensions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    extensionId: text('extension_id').notNull(),
    name: text('name').notNull(),
    toolId: text('tool_id'),
    permissions: jsonb('permissions').$type<string[]>().notNull(),
    enabled: integer('enabled').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('browser_extensions_device_ext_uq').on(t.orgId, t.deviceId, t.extensionId)]
)

/** Employees' requests to allow an app the policy blocks (answered in the admin app). */
export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    eventId: uuid('event_id').notNull(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    personId: uuid('person_id'),
    provider: text('provider').notNull(),
    clientId: text('client_id').notNull(),
    appName: text('app_name'),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: uuid('decided_by'),
    decisionNote: text('decision_note'),
  },
  (t) => [
    unique('approval_requests_org_event_uq').on(t.orgId, t.eventId),
    index('approval_requests_org_idx').on(t.orgId, t.status),
  ]
)
