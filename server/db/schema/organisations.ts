// Organisations (tenants) and the one-time links that create their first admin.
import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** What happens when a leaver's case falls due: notify (alert only), plan, or auto (revocation). */
  offboardingMode: text('offboarding_mode').notNull().default('notify'),
  /** Revocations need a second admin's approval (not the one who planned them). */
  requireSecondApprover: boolean('require_second_approver').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

export const setupTokens = pgTable('setup_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organisations.id),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
