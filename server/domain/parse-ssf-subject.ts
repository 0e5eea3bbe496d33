// The identifiers in a Shared Signals subject (RFC 9493 subject identifiers, SSF complex subjects,
// and the older RISC `subject_type` form) that can name a person: emails and iss/sub pairs.
// Returns null for a subject that names nobody we could know (phone number, opaque id, DID...).
//
//   {"format":"email","email":"ada@acme.example"}
//   {"format":"iss_sub","iss":"https://idp.acme.example","sub":"00u1"}
//   {"format":"account","uri":"acct:ada@acme.example"}
//   {"format":"aliases","identifiers":[{"format":"email","email":"…"},{"format":"opaque","id":"…"}]}
//   {"user":{"format":"email","email":"…"},"session":{"format":"opaque","id":"…"}}   (complex)
//   {"subject_type":"iss-sub","iss":"https://accounts.google.com/","sub":"7375626A656374"}  (RISC)

export interface SsfSubjectIds {
  emails: string[]
  issSubs: Array<{ iss: string; sub: string }>
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const MAX_DEPTH = 3

export function parseSsfSubject(value: unknown): SsfSubjectIds | null {
  const ids: SsfSubjectIds = { emails: [], issSubs: [] }
  collect(value, ids, 0)
  ids.emails = [...new Set(ids.emails)]
  return ids.emails.length || ids.issSubs.length ? ids : null
}

function collect(value: unknown, ids: SsfSubjectIds, depth: number): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value))
    return
  const v = value as Record<string, unknown>
  const format =
    typeof v.format === 'string'
      ? v.format
      : typeof v.subject_type === 'string'
        ? v.subject_type.replace('-', '_')
        : undefined
  switch (format) {
    case 'email':
      addEmail(v.email, ids)
      return
    case 'account':
      if (typeof v.uri === 'string' && v.uri.startsWith('acct:'))
        addEmail(safeDecode(v.uri.slice('acct:'.length)), ids)
      return
    case 'iss_sub':
      if (typeof v.iss === 'string' && typeof v.sub === 'string' && v.iss && v.sub)
        ids.issSubs.push({ iss: v.iss, sub: v.sub })
      return
    case 'aliases':
      if (Array.isArray(v.identifiers))
        for (const id of v.identifiers.slice(0, 20)) collect(id, ids, depth + 1)
      return
    case undefined:
      // An SSF complex subject: the user member names the person (session, device, tenant do not).
      collect(v.user, ids, depth + 1)
      return
    default:
      return
  }
}

function addEmail(value: unknown, ids: SsfSubjectIds): void {
  if (typeof value !== 'string' || value.length > 320) return
  const email = value.trim().toLowerCase()
  if (EMAIL.test(email)) ids.emails.push(email)
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}
