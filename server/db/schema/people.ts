// People: the employees whose consents are inventoried, by email, with their employment status.
import {
  date,
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
    /** Where we learned of the departure: scim, csv, hr, ssf, manual. */
    leavingSource: text('leaving_source'),
    department: text('department'),
    managerEmail: text('manager_email'),
    successorEmail: text('successor_email'),
    /** The identity provider's id for this user (SCIM externalId). */
    externalId: text('external_id'),
    /** SCIM userName as the IdP sent it (case kept). */
    scimUserName: text('scim_user_name'),
    /** The person's GitHub login: GitHub's org APIs find members by login, never by email. */
    githubLogin: text('github_login'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('people_org_email_uq').on(t.orgId, t.email)]
)

/** Secondary emails of a person (SCIM emails[], provider accounts): grants on them are theirs. */
export const personAliases = pgTable(
  'person_aliases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    /** Lower case. */
    email: text('email').notNull(),
    source: text('source').notNull(),
  },
  (t) => [
    unique('person_aliases_org_email_uq').on(t.orgId, t.email),
    index('person_aliases_person_idx').on(t.personId),
  ]
)

export const caseState = pgEnum('case_state', ['open', 'in_progress', 'done', 'cancelled'])

/** One offboarding case per leaver: due on the departure date, moved forward by the scheduler. */
export const offboardingCases = pgTable(
  'offboarding_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    state: caseState('state').notNull().default('open'),
    dueDate: date('due_date').notNull(),
    /** What the scheduler did and when, newest last. */
    history: jsonb('history').$type<Array<{ at: string; by: string; note: string }>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The admin who closed the case (null: closed by the system when everything was verified). */
    closedBy: uuid('closed_by'),
    /** Why the case could close with follow-ups left: what was done about them. */
    closeNote: text('close_note'),
  },
  (t) => [
    unique('offboarding_cases_org_person_uq').on(t.orgId, t.personId),
    index('offboarding_cases_due_idx').on(t.state, t.dueDate),
  ]
)
