// Admin accounts, login and the first-admin setup.
import { z } from 'zod'

export const ADMIN_ROLES = ['owner', 'admin', 'offboarding', 'auditor'] as const
export type AdminRole = (typeof ADMIN_ROLES)[number]

const password = z.string().min(12, 'at least 12 characters').max(200)

export const SetupRequest = z
  .object({
    token: z.string().min(10).max(200),
    email: z.email().max(320),
    name: z.string().min(1).max(200),
    password,
  })
  .strict()

export const LoginRequest = z
  .object({ email: z.email().max(320), password: z.string().min(1).max(200) })
  .strict()

export const CreateAdmin = z
  .object({
    email: z.email().max(320),
    name: z.string().min(1).max(200),
    role: z.enum(ADMIN_ROLES),
    password,
  })
  .strict()

export const Me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ADMIN_ROLES),
  orgId: z.string(),
  orgName: z.string(),
  /** Send back as the X-CSRF-Token header on every write. */
  csrfToken: z.string(),
})
export type Me = z.infer<typeof Me>
