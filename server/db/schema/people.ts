// People: the employees whose consents are inventoried, by email, with their employment status.
import { date, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

export const personStatus = pgEnum('person_status', ['active', 'leaving', 'left'])

export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** Lower case. */
    email: text('email').notNull(),
    name: text('name'),
    status: personStatus('status').notNull().default('active'),
    departureDate: date('departure_date'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('people_org_email_uq').on(t.orgId, t.email)]
)
