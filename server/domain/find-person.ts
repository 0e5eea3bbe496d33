// Find a person of an organisation by any email they are known by (primary or alias), or by the
// identity provider's id (SCIM externalId). Never creates anyone.
import { and, eq } from 'drizzle-orm'
import { people, personAliases } from '../db/schema/index.ts'
import type { Tx } from '../db/client.ts'

export interface FoundPerson {
  id: string
  email: string
  status: 'active' | 'leaving' | 'left'
  departureDate: string | null
}

const columns = {
  id: people.id,
  email: people.email,
  status: people.status,
  departureDate: people.departureDate,
}

export async function findPerson(
  tx: Tx,
  orgId: string,
  ids: { emails: string[]; externalIds?: string[] }
): Promise<FoundPerson | null> {
  for (const raw of ids.emails) {
    const email = raw.trim().toLowerCase()
    const [primary] = await tx
      .select(columns)
      .from(people)
      .where(and(eq(people.orgId, orgId), eq(people.email, email)))
    if (primary) return primary
    const [viaAlias] = await tx
      .select(columns)
      .from(personAliases)
      .innerJoin(people, eq(people.id, personAliases.personId))
      .where(and(eq(personAliases.orgId, orgId), eq(personAliases.email, email)))
    if (viaAlias) return viaAlias
  }
  for (const externalId of ids.externalIds ?? []) {
    // externalId is not unique in the schema: an ambiguous id resolves to nobody.
    const rows = await tx
      .select(columns)
      .from(people)
      .where(and(eq(people.orgId, orgId), eq(people.externalId, externalId)))
      .limit(2)
    if (rows.length === 1 && rows[0]) return rows[0]
  }
  return null
}
