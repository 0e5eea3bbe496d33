// Enrolled extension installs and the enrollment tokens that admit them.
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { adminUsers } from './admins.ts'
import { people } from './people.ts'

export const enrollmentTokens = pgTable(
  'enrollment_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull(),
    createdBy: uuid('created_by').references(() => adminUsers.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    uses: integer('uses').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enrollment_tokens_org_idx').on(t.orgId)]
)

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    credentialHash: text('credential_hash').notNull().unique(),
    enrollmentTokenId: uuid('enrollment_token_id').references(() => enrollmentTokens.id),
    personId: uuid('person_id').references(() => people.id),
    email: text('email'),
    browser: text('browser'),
    extensionVersion: text('extension_version'),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('devices_org_idx').on(t.orgId), index('devices_person_idx').on(t.personId)]
)
