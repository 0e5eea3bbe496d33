// An admin's edit of a person: their GitHub login (the one way GitHub's org APIs find a member),
// appended to the audit log with what it was before.
import { and, eq } from 'drizzle-orm'
import type { UpdatePerson } from '../../shared/api/people.ts'
import { people } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'

/** The updated person, or null when the organisation has no such person. */
export async function updatePerson(
  db: Db,
  actor: Actor,
  personId: string,
  patch: UpdatePerson,
  now: Date
): Promise<typeof people.$inferSelect | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ githubLogin: people.githubLogin })
      .from(people)
      .where(and(eq(people.orgId, actor.orgId), eq(people.id, personId)))
      .for('update')
    if (!before) return null
    const [person] = await tx
      .update(people)
      .set({ githubLogin: patch.githubLogin, updatedAt: now })
      .where(and(eq(people.orgId, actor.orgId), eq(people.id, personId)))
      .returning()
    if (!person) return null
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'person.updated',
        subjectType: 'person',
        subjectId: personId,
        data: { githubLogin: { from: before.githubLogin, to: patch.githubLogin } },
      },
      now
    )
    return person
  })
}
