// Settings: policy defaults by risk, admin users, and (for owners) webhooks.
import { AdminUsers } from '../components/AdminUsers.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { RiskPolicyForm } from '../components/RiskPolicyForm.tsx'
import { Webhooks } from '../components/Webhooks.tsx'
import { usePermissions } from '../state.ts'

export function SettingsPage() {
  const { isOwner } = usePermissions()
  return (
    <>
      <PageHeader
        title="Settings"
        description="Policy defaults, who can administer Consentry, and where alerts go."
      />
      <div class="stack">
        <RiskPolicyForm />
        <AdminUsers />
        {isOwner ? (
          <Webhooks />
        ) : (
          <section class="card">
            <div class="card-header">
              <h2>Webhooks</h2>
            </div>
            <p class="muted">Only the owner manages webhooks.</p>
          </section>
        )}
      </div>
    </>
  )
}
