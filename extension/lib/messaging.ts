// The typed messages between the content script, popup, options page and the background.
import { defineExtensionMessaging } from '@webext-core/messaging'
import type { PolicyAction } from '../../shared/api/events.ts'
import type { ConsentClassification, ConsentRequest } from '../../shared/consent/types.ts'
import type { FlushResult, SyncState } from './sync.ts'

export interface ConsentView {
  request: ConsentRequest
  classification: ConsentClassification
  action: PolicyAction
  basis: 'app_rule' | 'risk' | 'default'
  orgName: string | null
}

export interface Connection {
  id: string
  provider: string
  appName: string | null
  clientId: string
  isAi: boolean
  scopes: string[]
  risk: string
  status: string
  firstSeenAt: string
}

export interface ApprovalAnswer {
  id: string
  appName: string | null
  clientId: string
  status: 'open' | 'approved' | 'denied' | string
  reason: string
  decisionNote: string | null
  createdAt: string
}

export interface PopupState {
  enrollment: {
    state: 'not_enrolled' | 'active' | 'revoked'
    serverUrl: string | null
    orgName: string | null
    email: string | null
    managed: boolean
  }
  sync: SyncState & { queued: number; deadLetters: number; policyFetchedAt: number | null }
  connections: Connection[] | null
  connectionsError: string | null
  requests: ApprovalAnswer[]
}

interface ProtocolMap {
  getConsentView(data: { url: string }): ConsentView | null
  reportDecision(data: {
    url: string
    action: PolicyAction
    decision: 'shown' | 'continued' | 'cancelled' | 'blocked'
    justification: string | null
  }): boolean
  requestApproval(data: { url: string; reason: string }): boolean
  getPopupState(): PopupState
  enroll(data: {
    serverUrl: string
    token: string
    email: string | null
  }): { ok: true; orgName: string } | { ok: false; message: string }
  syncNow(): FlushResult
  enableExtensionInventory(): boolean
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>()
