// The provider calls a revocation needs, as the connectors make them, and so the least time the
// simulators' limits allow: for each provider, its busiest rate-limit bucket's calls / limit.
//
// Per job (one grant; the job gives the connector the user's email, and for GitHub their login):
//   google    list: GET users/{email}/tokens; revoke: DELETE .../tokens/{clientId};
//             verify: GET .../tokens/{clientId} (404 = gone)                          = 3
//             (the OAuth token endpoint is not under the Directory API limit)
//   microsoft list: GET users/{upn}, GET oauth2PermissionGrants?$filter=principalId,
//             GET oauth2PermissionGrants?$filter=AllPrincipals, GET users/{id}/appRoleAssignments;
//             revoke: GET + DELETE oauth2PermissionGrants/{id}; verify: GET .../{id}   = 7
//             plus one GET servicePrincipals/{id} per client app (the connector caches them)
//   okta      list: GET users/{login}, GET users/{id}/grants, GET users/{id}/clients;
//             revoke: DELETE .../clients/{c}/tokens, DELETE .../clients/{c}/grants;
//             verify: GET .../clients/{c}/grants, GET .../clients/{c}/tokens          = 7
//   slack     per method (Slack counts per method): users.lookupByEmail, admin.apps.requests.list,
//             admin.apps.uninstall, admin.apps.clearResolution 1 each; admin.apps.approved.list 3
//             listings (list, the check before clearResolution, verify) of ceil(approved / 1000)
//             pages each. The approvals left when a job lists depend on the order; counted as
//             done one job at a time (job k of n sees n - k, n - k - 1 at verify), which no order
//             beats by more than a page or so.
//   github    list: GET orgs/{org}/credential-authorizations?login=, GET orgs/{org}/personal-
//             access-tokens?owner[]= (both lists are on by default; one page each, a leaver has
//             at most two); revoke: DELETE credential-authorizations/{id} or POST
//             personal-access-tokens/{id}; verify: the one list of that kind again         = 4
//             all in one window per org (GitHub's primary limit is per token/installation)
import type { BenchProvider, Leaver } from './workload.ts'

export interface Needed {
  provider: BenchProvider
  jobs: number
  /** Calls per rate-limit bucket. */
  byBucket: Record<string, number>
  /** The busiest bucket and its calls. */
  bucket: string
  calls: number
  /** calls / limit per second. */
  seconds: number
}

const SLACK_PAGE = 1000
const pages = (items: number) => Math.max(1, Math.ceil(items / SLACK_PAGE))

export function callsNeeded(leavers: Leaver[], limitPerSecond: number): Needed[] {
  const jobs = (p: BenchProvider) =>
    leavers.reduce((n, l) => n + l.grants.filter((g) => g.provider === p).length, 0)
  const out: Array<Omit<Needed, 'bucket' | 'calls' | 'seconds'>> = []
  const g = jobs('google')
  if (g) out.push({ provider: 'google', jobs: g, byBucket: { customer: 3 * g } })
  const m = jobs('microsoft')
  if (m) {
    const apps = new Set(
      leavers.flatMap((l) =>
        l.grants.filter((x) => x.provider === 'microsoft').map((x) => x.clientId)
      )
    )
    out.push({ provider: 'microsoft', jobs: m, byBucket: { tenant: 7 * m + apps.size } })
  }
  const o = jobs('okta')
  if (o) out.push({ provider: 'okta', jobs: o, byBucket: { org: 7 * o } })
  const s = jobs('slack')
  if (s) {
    let approved = 0
    for (let k = 0; k < s; k++) approved += 2 * pages(s - k) + pages(s - k - 1)
    out.push({
      provider: 'slack',
      jobs: s,
      byBucket: {
        'admin.apps.approved.list': approved,
        'users.lookupByEmail': s,
        'admin.apps.requests.list': s,
        'admin.apps.uninstall': s,
        'admin.apps.clearResolution': s,
      },
    })
  }
  const h = jobs('github')
  if (h) out.push({ provider: 'github', jobs: h, byBucket: { org: 4 * h } })
  return out.map((n) => {
    const [bucket, calls] = Object.entries(n.byBucket).sort((a, b) => b[1] - a[1])[0] ?? ['-', 0]
    return { ...n, bucket, calls, seconds: calls / limitPerSecond }
  })
}
