// Who an admin id is, in words ("you", a name or email), for "planned by" and "closed by".
import { useSession } from './state.ts'
import { useResource } from './use-resource.ts'

export type AdminName = (id: string | null | undefined) => string | null

export function useAdminNames(): AdminName {
  const { api, me } = useSession()
  // Any admin may list admins; if that fails the ids still read as "another admin".
  const admins = useResource(() => api.listAdmins(), [])
  return (id) => {
    if (!id) return null
    if (id === me.id) return 'you'
    const admin = admins.data?.items.find((a) => a.id === id)
    return admin ? admin.name || admin.email : 'another admin'
  }
}
