// Connections: the provider admin APIs Consentry discovers and revokes grants at, and the feeds
// that tell it who is leaving (SCIM, HR webhook, Shared Signals).
import { LeaverFeeds } from '../components/LeaverFeeds.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { ProviderConnections } from '../components/ProviderConnections.tsx'

export function ConnectionsPage() {
  return (
    <>
      <PageHeader
        title="Connections"
        description="Where Consentry finds and revokes grants, and how it hears that someone is leaving."
      />
      <div class="stack">
        <ProviderConnections />
        <LeaverFeeds />
      </div>
    </>
  )
}
