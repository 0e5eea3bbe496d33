// How leavers reach us: SCIM tokens, the HR webhook secret, the Shared Signals transmitter, and
// the ids of received events (replays are refused).
import { index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

export const scimTokens = pgTable(
  'scim_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('scim_tokens_org_idx').on(t.orgId)]
)

/** Per-organisation feed settings; secrets sealed with AES-256-GCM. */
export const feedSettings = pgTable('feed_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id),
  hrSecretCiphertext: text('hr_secret_ciphertext'),
  ssfIssuer: text('ssf_issuer'),
  ssfAudience: text('ssf_audience'),
  ssfJwksUrl: text('ssf_jwks_url'),
  /** A JWKS given inline instead of a URL. */
  ssfJwks: jsonb('ssf_jwks').$type<{ keys: unknown[] }>(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})

/** Ids of HR webhook deliveries and Security Event Tokens already received (jti / event id). */
export const receivedFeedEvents = pgTable(
  'received_feed_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    feed: text('feed').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [unique('received_feed_events_uq').on(t.orgId, t.feed, t.eventId)]
)
