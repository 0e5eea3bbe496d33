// The Hono environment every route shares: injected dependencies and who is calling.
import type { Deps } from './deps.ts'
import type { AdminSession } from './domain/admin-auth.ts'
import type { DeviceIdentity } from './domain/enrollment.ts'

export interface AppEnv {
  Variables: {
    deps: Deps
    requestId: string
    admin: AdminSession
    device: DeviceIdentity
  }
}
