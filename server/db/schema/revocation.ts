// Provider connections (credentials sealed at rest) and revocation plans and jobs (a queue
// claimed with leases and FOR UPDATE SKIP LOCKED by any number of server processes).
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { adminUsers } from './admins.ts'
import { grants } from './inventory.ts'

export const providerConnections = pgTable(
  'provider_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    provider: text('provider').notNull(),
    /** The credentials as JSON, sealed with AES-256-GCM; never returned by the API. */
    credentialsCiphertext: text('credentials_ciphertext').notNull(),
    baseUrls: jsonb('base_urls').$type<Record<string, string>>().notNull(),
    /** Requests per second this organisation allows against the provider. */
    requestsPerSecond: integer('requests_per_second').notNull().default(5),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    lastTestOk: boolean('last_test_ok'),
    lastTestMessage: text('last_test_message'),
    lastDiscoveryAt: timestamp('last_discovery_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('provider_connections_org_provider_uq').on(t.orgId, t.provider)]
)

export const planState = pgEnum('revocation_plan_state', [
  'planned',
  'approved',
  'running',
  'done',
  'cancelled',
])
export const jobState = pgEnum('revocation_job_state', [
  'planned',
  'approved',
  'running',
  'revoked',
  'verified',
  'failed',
  'dead',
  'needs_decision',
  'cancelled',
])

export const revocationPlans = pgTable(
  'revocation_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** leaver, app or selection */
    scope: text('scope').notNull(),
    subjectId: uuid('subject_id'),
    state: planState('state').notNull(),
    createdBy: uuid('created_by').references(() => adminUsers.id),
    approvedBy: uuid('approved_by').references(() => adminUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
  },
  (t) => [index('revocation_plans_org_idx').on(t.orgId, t.createdAt)]
)

export const revocationJobs = pgTable(
  'revocation_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => revocationPlans.id),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => grants.id),
    provider: text('provider').notNull(),
    userEmail: text('user_email').notNull(),
    /** The provider's id for the user when email is not enough (GitHub login). */
    providerUserId: text('provider_user_id'),
    clientId: text('client_id').notNull(),
    state: jobState('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leasedBy: text('leased_by'),
    lastStatus: integer('last_status'),
    lastRequestId: text('last_request_id'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('revocation_jobs_claim_idx').on(t.state, t.nextAttemptAt),
    index('revocation_jobs_plan_idx').on(t.planId),
  ]
)
