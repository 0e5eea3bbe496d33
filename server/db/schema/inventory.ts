// The AI-grant inventory: apps (provider + client) and grants (a person's consent to an app).
import {
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { people } from './people.ts'
import { devices } from './devices.ts'

export const riskLevel = pgEnum('risk_level', ['low', 'medium', 'high', 'critical'])
export const grantStatus = pgEnum('grant_status', [
  'active',
  'denied',
  'revocation_pending',
  'revoked',
  'revoke_failed',
])
export const grantSource = pgEnum('grant_source', ['extension', 'provider_api'])

export const apps = pgTable(
  'apps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    provider: text('provider').notNull(),
    /** OAuth client id, or "app:<slug>" for a GitHub App installed by slug. */
    clientId: text('client_id').notNull(),
    name: text('name'),
    vendor: text('vendor'),
    toolId: text('tool_id'),
    isAi: boolean('is_ai').notNull().default(false),
    category: text('category'),
    redirectHost: text('redirect_host'),
    sanctioned: boolean('sanctioned').notNull().default(false),
    ownerEmail: text('owner_email'),
    purpose: text('purpose'),
    sanctionExpiresAt: timestamp('sanction_expires_at', { withTimezone: true }),
    /** When the expiry alert went out (once per expiry). */
    sanctionExpiryAlertedAt: timestamp('sanction_expiry_alerted_at', { withTimezone: true }),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('apps_org_provider_client_uq').on(t.orgId, t.provider, t.clientId)]
)

export const grants = pgTable(
  'grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id),
    personId: uuid('person_id').references(() => people.id),
    /** The provider account the consent was given on (login hint / tenant), '' when unknown. */
    account: text('account').notNull().default(''),
    provider: text('provider').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    risk: riskLevel('risk').notNull(),
    offlineAccess: boolean('offline_access').notNull().default(false),
    status: grantStatus('status').notNull(),
    source: grantSource('source').notNull(),
    deviceId: uuid('device_id').references(() => devices.id),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('grants_identity_uq').on(t.orgId, t.appId, t.personId, t.account).nullsNotDistinct(),
    index('grants_org_last_seen_idx').on(t.orgId, t.lastSeenAt, t.id),
    index('grants_person_idx').on(t.personId),
  ]
)
