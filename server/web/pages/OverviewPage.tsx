// Overview: the shadow-AI headline numbers, expired sanctions, new grants per week, breakdowns,
// and the offboarding numbers (leavers with live grants, failed revocations, reappeared grants).
import type { Risk, Summary } from '../api-types.ts'
import { RISKS } from '../api-types.ts'
import { RiskDot } from '../components/Badge.tsx'
import { BarList } from '../components/BarList.tsx'
import { EmptyState, Loaded } from '../components/Feedback.tsx'
import { Icon } from '../components/Icon.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { StatCard } from '../components/StatCard.tsx'
import { WeeklyChart } from '../components/WeeklyChart.tsx'
import { capitalize, plural, providerName } from '../format.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'

export function OverviewPage() {
  const api = useApi()
  const summary = useResource(() => api.summary(), [])
  return (
    <>
      <PageHeader
        title="Overview"
        description="AI tools people have connected to company accounts, and how risky those connections are."
      />
      <Loaded
        resource={summary}
        label="Loading the overview…"
        errorTitle="Could not load the overview"
      >
        {(s) => <OverviewBody summary={s} />}
      </Loaded>
    </>
  )
}

function OverviewBody({ summary: s }: { summary: Summary }) {
  const expired = s.expiredSanctions ?? 0
  if (s.apps === 0 && s.devices === 0) {
    return (
      <div class="card">
        <EmptyState
          title="No devices yet"
          action={
            <Link class="btn btn-primary" href="/devices">
              Create an enrollment token
            </Link>
          }
        >
          Create an enrollment token and install the extension in your employees' browsers. Consents
          to AI tools appear here as soon as the first browser reports one.
        </EmptyState>
      </div>
    )
  }
  const byRisk = s.byRisk
  const byProvider = s.byProvider ?? []
  return (
    <div class="stack">
      {expired > 0 && (
        <div class="alert alert-warn" role="alert">
          <Icon name="alert" />
          <div class="alert-body">
            <strong>{plural(expired, 'sanction')} expired</strong>
            <span>
              Approved apps whose approval has run out need a decision: renew each with a new date,
              or withdraw the sanction.
            </span>
          </div>
          <Link class="btn btn-sm" href="/apps?sanctioned=true">
            Review sanctioned apps
          </Link>
        </div>
      )}
      <div class="stats">
        <StatCard
          label="AI apps in use"
          value={s.aiApps}
          hint={`of ${plural(s.apps, 'app')} seen`}
          href="/apps?ai=true"
        />
        <StatCard
          label="People with AI grants"
          value={s.peopleWithAiGrants}
          hint={`${plural(s.devices, 'enrolled browser')}`}
          href="/people"
        />
        <StatCard
          label="High or critical-risk grants"
          value={s.highRiskGrants}
          hint={`of ${plural(s.activeGrants, 'active grant')}`}
          href="/apps?sort=risk&order=desc"
          tone={s.highRiskGrants > 0 ? 'bad' : undefined}
        />
        <StatCard
          label="Unsanctioned AI apps"
          value={s.unsanctionedAiApps}
          hint="not reviewed or approved yet"
          href="/apps?ai=true&sanctioned=false"
          tone={s.unsanctionedAiApps > 0 ? 'warn' : undefined}
        />
        <StatCard
          label="Expired sanctions"
          value={expired}
          hint="need a new date or withdrawal"
          href="/apps?sanctioned=true"
          tone={expired > 0 ? 'warn' : undefined}
        />
      </div>
      <OffboardingStats summary={s} />
      <section class="card">
        <div class="card-header">
          <h2>New AI grants per week</h2>
          <span class="muted">last 26 weeks</span>
        </div>
        {s.grantsOverTime ? (
          <WeeklyChart data={s.grantsOverTime} />
        ) : (
          <p class="muted">This server does not report grants over time yet.</p>
        )}
      </section>
      <div class="columns">
        <section class="card">
          <div class="card-header">
            <h2>Active AI grants by risk</h2>
          </div>
          {byRisk ? (
            <BarList
              label="Active AI grants by risk"
              items={[...RISKS].reverse().map((risk: Risk) => ({
                key: risk,
                label: (
                  <Link class="plain-link" href={`/apps?risk=${risk}`}>
                    <RiskDot risk={risk} /> {capitalize(risk)}
                  </Link>
                ),
                value: byRisk[risk] ?? 0,
                tone: `fill-${risk}`,
              }))}
            />
          ) : (
            <p class="muted">This server does not report the breakdown yet.</p>
          )}
        </section>
        <section class="card">
          <div class="card-header">
            <h2>Active AI grants by provider</h2>
          </div>
          {byProvider.length ? (
            <BarList
              label="Active AI grants by provider"
              items={byProvider.map((p) => ({
                key: p.provider,
                label: (
                  <Link
                    class="plain-link"
                    href={`/apps?provider=${encodeURIComponent(p.provider)}`}
                  >
                    {providerName(p.provider)}
                  </Link>
                ),
                value: p.count,
              }))}
            />
          ) : (
            <p class="muted">No active AI grants.</p>
          )}
        </section>
      </div>
    </div>
  )
}

/** Leavers and revocations; each card only once the server reports its number. */
function OffboardingStats({ summary: s }: { summary: Summary }) {
  const { leaversWithLiveGrants: leavers, failedRevocations: failed, reappearedGrants } = s
  if (leavers === undefined && failed === undefined && reappearedGrants === undefined) return null
  return (
    <section class="stack" aria-labelledby="offboarding-stats">
      <h2 id="offboarding-stats" class="section-title">
        Offboarding
      </h2>
      <div class="stats">
        {leavers !== undefined && (
          <StatCard
            label="Leavers with live grants"
            value={leavers}
            hint="open cases with access still granted"
            href="/leavers?when=all"
            tone={leavers > 0 ? 'warn' : undefined}
          />
        )}
        {failed !== undefined && (
          <StatCard
            label="Failed revocations"
            value={failed}
            hint="failed or given up: retry or follow up"
            href="/revocations?state=failed%2Cdead"
            tone={failed > 0 ? 'bad' : undefined}
          />
        )}
        {reappearedGrants !== undefined && (
          <StatCard
            label="Reappeared grants"
            value={reappearedGrants}
            hint="back after revocation, last 30 days"
            href="/audit?action=grant.reappeared"
            tone={reappearedGrants > 0 ? 'bad' : undefined}
          />
        )}
      </div>
    </section>
  )
}
