// The organisation's consent policy: an action per risk level, and overrides per app.
import { pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { apps } from './inventory.ts'
import { people } from './people.ts'

export const policyAction = pgEnum('policy_action', ['allow', 'warn', 'justify', 'block'])

export const riskPolicies = pgTable(
  'risk_policies',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    risk: text('risk').notNull(),
    action: policyAction('action').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('risk_policies_org_risk_uq').on(t.orgId, t.risk)]
)

export const appPolicies = pgTable(
  'app_policies',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id),
    /** Null: the rule for everyone; set: an exception for one person (an approved request). */
    personId: uuid('person_id').references(() => people.id),
    action: policyAction('action').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('app_policies_org_app_uq').on(t.orgId, t.appId, t.personId).nullsNotDistinct()]
)
