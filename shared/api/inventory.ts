// Query parameters of the admin inventory: apps, grants, people, summary.
import { z } from 'zod'
import { PROVIDERS, RISK_LEVELS } from '../consent/types.ts'

export const GRANT_STATUSES = [
  'active',
  'denied',
  'revocation_pending',
  'revoked',
  'revoke_failed',
] as const
export type GrantStatus = (typeof GRANT_STATUSES)[number]

const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

export const ListAppsQuery = z
  .object({
    q: z.string().max(200).optional(),
    provider: z.enum(PROVIDERS).optional(),
    ai: bool.optional(),
    sanctioned: bool.optional(),
    risk: z.enum(RISK_LEVELS as [string, ...string[]]).optional(),
    sort: z.enum(['lastSeen', 'firstSeen', 'people', 'risk', 'name']).default('lastSeen'),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict()

export const ListGrantsQuery = z
  .object({
    appId: z.uuid().optional(),
    personId: z.uuid().optional(),
    provider: z.enum(PROVIDERS).optional(),
    risk: z.enum(RISK_LEVELS as [string, ...string[]]).optional(),
    status: z.enum(GRANT_STATUSES).optional(),
    sort: z.enum(['lastSeen', 'firstSeen']).default('lastSeen'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict()
export type ListGrantsQuery = z.infer<typeof ListGrantsQuery>

export const ListPeopleQuery = z
  .object({
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()

export const AuditQuery = z
  .object({
    actor: z.string().max(200).optional(),
    action: z.string().max(100).optional(),
    subject: z.string().max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    format: z.enum(['json', 'jsonl', 'csv']).default('json'),
    afterSeq: z.coerce.number().int().min(0).optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
  })
  .strict()
export type AuditQuery = z.infer<typeof AuditQuery>
