// What a device may ask about its own employee: "my AI connections" for the extension's popup.
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { listDeviceConnections } from '../db/queries/inventory.ts'
import { requireDevice } from '../middleware/auth.ts'
import { listApprovalRequests } from '../domain/approval-requests.ts'

export const device = new Hono<AppEnv>()
  .use(requireDevice)
  .get('/connections', async (c) =>
    c.json({
      items: await listDeviceConnections(c.var.deps.db, {
        tenantId: c.var.device.orgId,
        deviceId: c.var.device.deviceId,
        personId: c.var.device.personId,
      }),
    })
  )
  .get('/requests', async (c) =>
    c.json({
      items: await listApprovalRequests(c.var.deps.db, {
        tenantId: c.var.device.orgId,
        personId: c.var.device.personId,
        deviceId: c.var.device.deviceId,
      }),
    })
  )
