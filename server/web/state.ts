// The signed-in session shared by every page: who is logged in, the API client, what they may do.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { Api } from './api.ts'
import type { Me, Role } from './api-types.ts'

export interface Session {
  me: Me
  api: Api
  logout(): Promise<void>
}

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession outside a signed-in SessionContext')
  return session
}

export function useApi(): Api {
  return useSession().api
}

/** Owners and admins change policy, sanctions, approvals, tokens and devices. */
export function canManage(role: Role): boolean {
  return role === 'owner' || role === 'admin'
}

/** Owners, admins and offboarding staff plan, approve and retry revocations. */
export function canRevoke(role: Role): boolean {
  return role === 'owner' || role === 'admin' || role === 'offboarding'
}

/** Only owners manage admin users and webhooks. */
export function isOwner(role: Role): boolean {
  return role === 'owner'
}

export function usePermissions() {
  const { role } = useSession().me
  return { canManage: canManage(role), isOwner: isOwner(role), canRevoke: canRevoke(role) }
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  offboarding: 'Offboarding',
  auditor: 'Auditor (read-only)',
}
