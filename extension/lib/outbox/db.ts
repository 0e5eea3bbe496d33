// The extension's local store (IndexedDB via Dexie): the outbox, open consent flows, usage counts.
import Dexie, { type EntityTable } from 'dexie'
import type { DeviceEventInput } from '../../../shared/api/events.ts'
import type { PolicyAction } from '../../../shared/api/events.ts'
import type { ConsentRequest } from '../../../shared/consent/types.ts'

export interface OutboxRow {
  /** The event's own id: the server stores each id once. */
  id: string
  event: DeviceEventInput
  createdAt: number
  attempts: number
}

export interface DeadLetterRow {
  id: string
  event: DeviceEventInput
  reason: string
  at: number
}

/** A consent seen in a tab and not yet resolved (granted, denied, abandoned). */
export interface FlowRow {
  flowId: string
  tabId: number
  /** The tab that opened this one (sign-in popups): the outcome may show there. */
  openerTabId: number | null
  request: ConsentRequest
  startedAt: number
  lastActivityAt: number
  policy: {
    action: PolicyAction
    decision: 'shown' | 'continued' | 'cancelled' | 'blocked'
    justification: string | null
  } | null
}

export interface UsageRow {
  /** domain|day */
  key: string
  domain: string
  day: string
  visits: number
  signIns: number
  reportedVisits: number
  reportedSignIns: number
  firstAt: number
  lastAt: number
}

export type ExtensionDb = Dexie & {
  outbox: EntityTable<OutboxRow, 'id'>
  deadLetters: EntityTable<DeadLetterRow, 'id'>
  flows: EntityTable<FlowRow, 'flowId'>
  usage: EntityTable<UsageRow, 'key'>
}

export interface DbOptions {
  /** Tests pass fake-indexeddb's factory and key range. */
  indexedDB?: IDBFactory
  IDBKeyRange?: typeof IDBKeyRange
}

export function createExtensionDb(name = 'consentry', options: DbOptions = {}): ExtensionDb {
  const db = new Dexie(name, options) as ExtensionDb
  // Schema versions are kept forever; add a new version() to change them.
  db.version(1).stores({
    outbox: 'id, createdAt',
    deadLetters: 'id, at',
    flows: 'flowId, tabId, openerTabId, lastActivityAt',
    usage: 'key, day',
  })
  return db
}
