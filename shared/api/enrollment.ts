// Enrollment of extension installs: tokens created by admins, exchanged for device credentials.
import { z } from 'zod'

export const CreateEnrollmentToken = z
  .object({
    label: z.string().min(1).max(200),
    /** Hours until the token stops admitting new devices. */
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(24 * 30),
  })
  .strict()

export const EnrollRequest = z
  .object({
    token: z.string().min(10).max(200),
    email: z.email().max(320).nullable().default(null),
    browser: z.string().max(100).nullable().default(null),
    extensionVersion: z.string().max(50).nullable().default(null),
  })
  .strict()
export type EnrollRequest = z.input<typeof EnrollRequest>

export const EnrollResponse = z.object({
  deviceId: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  /** The device credential: shown once, sent as "Authorization: Bearer <credential>". */
  credential: z.string(),
})
export type EnrollResponse = z.infer<typeof EnrollResponse>
