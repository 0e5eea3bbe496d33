// A leaver's offboarding case: who leaves and when, the grants to revoke and the revocation's
// progress, manual follow-ups, orphaned apps with their successor, closing, evidence and history.
import { useState } from 'preact/hooks'
import { leaverEvidenceUrl } from '../api.ts'
import type { OffboardingCase } from '../api-types.ts'
import { capitalize, formatDate, formatDateTime, plural, providerName } from '../format.ts'
import { formatLeavingDay, isCaseOpen, sourceLabel, SOURCE_LABELS } from '../leavers-format.ts'
import { useApi, usePermissions } from '../state.ts'
import { useAdminNames, type AdminName } from '../use-admin-names.ts'
import type { EventSourceFactory } from '../use-plan-progress.ts'
import { CaseGrantTable } from './CaseGrantTable.tsx'
import { CaseStateBadge } from './CaseStateBadge.tsx'
import { CloseCaseDialog } from './CloseCaseDialog.tsx'
import { EmptyState } from './Feedback.tsx'
import { GithubLoginForm } from './GithubLoginForm.tsx'
import { Link } from './Link.tsx'
import { PageHeader } from './PageHeader.tsx'
import { RevocationPanel } from './RevocationPanel.tsx'

/** The leaving day as a date and in words ("12 Dec 2026, in 3 days"). */
export function LeavingDay({ day }: { day: string | null }) {
  if (!day) return <span class="muted">—</span>
  return (
    <span>
      {formatDate(`${day}T12:00:00`)} <span class="muted">({formatLeavingDay(day)})</span>
    </span>
  )
}

export function CaseFacts({ kase }: { kase: OffboardingCase }) {
  const { person } = kase
  return (
    <dl class="fact-strip">
      <div>
        <dt>Case</dt>
        <dd>
          {kase.case ? (
            <CaseStateBadge state={kase.case.state} dueDate={kase.case.dueDate} />
          ) : (
            <span class="muted">None</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Leaving</dt>
        <dd>
          <LeavingDay day={person.departureDate ?? kase.case?.dueDate ?? null} />
        </dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>{sourceLabel(person.source)}</dd>
      </div>
      <div>
        <dt>Successor</dt>
        <dd>{person.successorEmail ?? <span class="muted">None named</span>}</dd>
      </div>
      {person.managerEmail && (
        <div>
          <dt>Manager</dt>
          <dd>{person.managerEmail}</dd>
        </div>
      )}
      <div>
        <dt>Live grants</dt>
        <dd>{kase.liveGrants}</dd>
      </div>
      {person.aliases.length > 0 && (
        <div>
          <dt>Also known as</dt>
          <dd>{person.aliases.join(', ')}</dd>
        </div>
      )}
      {person.githubLogin && (
        <div>
          <dt>GitHub</dt>
          <dd class="mono">{person.githubLogin}</dd>
        </div>
      )}
    </dl>
  )
}

/** "By hand, Pat" from a history entry's "manual:<admin id>". */
const ADMIN_SOURCES = new Set(['admin', 'manual', 'csv'])

export function historyBy(by: string, names: AdminName): string {
  const [source = '', id] = by.split(':')
  const label = SOURCE_LABELS[source as keyof typeof SOURCE_LABELS] ?? capitalize(source)
  // Only admins' ids name someone: a SCIM or HR entry carries its token's or feed's id.
  const who = id && ADMIN_SOURCES.has(source) ? names(id) : null
  return who ? `${label}, ${who}` : label
}

export function OffboardingCaseView(props: {
  kase: OffboardingCase
  reload(): void
  eventSource?: EventSourceFactory | null
  pollMs?: number
}) {
  const { kase, reload } = props
  const { person } = kase
  const api = useApi()
  const { canRevoke } = usePermissions()
  const names = useAdminNames()
  const [closing, setClosing] = useState(false)
  const open = kase.case !== null && isCaseOpen(kase.case.state)
  const hasGithub = [...kase.toRevoke, ...kase.followUps].some((g) => g.provider === 'github')
  const closable = kase.closable ?? { ok: true, reason: null }

  return (
    <>
      <PageHeader
        back={{ href: '/leavers', label: 'Leavers' }}
        title={person.name ?? person.email}
        description={
          <>
            {person.name && <>{person.email} · </>}
            <Link href={`/people/${person.id}`}>Person page</Link>
          </>
        }
      />
      <CaseFacts kase={kase} />
      {kase.case === null && (
        <div class="alert alert-info" role="status">
          <div class="alert-body">
            <strong>No offboarding case</strong>
            <span>This person is not marked as leaving.</span>
          </div>
        </div>
      )}
      <div class="detail-grid">
        <div class="stack">
          {kase.case !== null && (
            <RevocationPanel
              kase={kase}
              onChanged={reload}
              names={names}
              eventSource={props.eventSource}
              pollMs={props.pollMs}
            />
          )}
        </div>
        <div class="stack">
          {kase.case !== null && (
            <section class="card" aria-labelledby="case">
              <div class="card-header">
                <h2 id="case">Case</h2>
              </div>
              <dl class="facts">
                <dt>Opened</dt>
                <dd>{formatDateTime(kase.case.createdAt)}</dd>
                <dt>Due</dt>
                <dd>
                  <LeavingDay day={kase.case.dueDate} />
                </dd>
                {kase.case.closedAt && (
                  <>
                    <dt>Closed</dt>
                    <dd>
                      {formatDateTime(kase.case.closedAt)}
                      {kase.case.closedBy && <> by {names(kase.case.closedBy)}</>}
                    </dd>
                  </>
                )}
                {kase.case.closeNote && (
                  <>
                    <dt>Note</dt>
                    <dd class="break">{kase.case.closeNote}</dd>
                  </>
                )}
              </dl>
              {open && canRevoke && (
                <div class="case-actions">
                  <button
                    type="button"
                    class="btn btn-primary"
                    disabled={!closable.ok}
                    aria-describedby={closable.reason ? 'close-reason' : undefined}
                    onClick={() => setClosing(true)}
                  >
                    Close case
                  </button>
                  {closable.reason && (
                    <span id="close-reason" class="hint">
                      {closable.reason}
                    </span>
                  )}
                </div>
              )}
              <h3 class="subheading">Evidence</h3>
              <p class="hint">
                Who left, every grant, what was revoked and verified when and by whom, with the
                audit entries' hashes.
              </p>
              <div class="case-actions">
                <a class="btn" href={leaverEvidenceUrl(person.id, 'json')} download>
                  Download JSON
                </a>
                <a
                  class="btn"
                  href={leaverEvidenceUrl(person.id, 'html')}
                  target="_blank"
                  rel="noopener"
                >
                  Printable page
                  <span class="sr-only"> (opens in a new tab)</span>
                </a>
              </div>
            </section>
          )}
          {hasGithub && !person.githubLogin && (
            <section class="card" aria-labelledby="github-login">
              <div class="card-header">
                <h2 id="github-login">GitHub username needed</h2>
              </div>
              <p class="hint">
                GitHub revokes an app's access per user login, and this person's login is not known
                yet.
              </p>
              {canRevoke ? (
                <GithubLoginForm
                  onSave={async (login) => {
                    await api.setGithubLogin(person.id, login)
                    reload()
                  }}
                />
              ) : (
                <p class="muted">An owner, admin or offboarding admin can set it.</p>
              )}
            </section>
          )}
          {kase.case !== null && (
            <section class="card" aria-labelledby="history">
              <div class="card-header">
                <h2 id="history">History</h2>
              </div>
              {kase.case.history.length === 0 ? (
                <p class="muted">Nothing recorded yet.</p>
              ) : (
                <ol class="history">
                  {[...kase.case.history].reverse().map((h, i) => (
                    <li key={`${h.at}-${i}`}>
                      <span class="history-note">{capitalize(h.note)}</span>
                      <span class="muted">
                        {formatDateTime(h.at)} · {historyBy(h.by, names)}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          )}
        </div>
      </div>
      {/* The grant tables get the page's whole width: scopes in words need the room. */}
      <div class="stack case-tables">
        <section class="card" aria-labelledby="to-revoke">
          <div class="card-header">
            <h2 id="to-revoke">Grants to revoke</h2>
            <span class="muted">{plural(kase.toRevoke.length, 'grant')}</span>
          </div>
          {kase.toRevoke.length === 0 ? (
            <EmptyState title="Nothing to revoke">
              No live grant an admin API can revoke was found for this person.
            </EmptyState>
          ) : (
            <CaseGrantTable
              label={`Grants to revoke of ${person.email}`}
              grants={kase.toRevoke}
              kind="revoke"
            />
          )}
        </section>
        <section class="card" aria-labelledby="follow-ups">
          <div class="card-header">
            <h2 id="follow-ups">Manual follow-ups</h2>
            <span class="muted">{plural(kase.followUps.length, 'grant')}</span>
          </div>
          {kase.followUps.length === 0 ? (
            <EmptyState title="No manual follow-up">
              Every live grant can be revoked through a provider API.
            </EmptyState>
          ) : (
            <CaseGrantTable
              label={`Manual follow-ups of ${person.email}`}
              grants={kase.followUps}
              kind="follow-up"
            />
          )}
        </section>
        <section class="card" aria-labelledby="orphaned">
          <div class="card-header">
            <h2 id="orphaned">Orphaned apps</h2>
            <span class="muted">Apps this person is the accountable owner of</span>
          </div>
          {kase.orphanedApps.length === 0 ? (
            <EmptyState title="No orphaned apps">This person owns no sanctioned app.</EmptyState>
          ) : (
            <table class="table" aria-label="Orphaned apps">
              <thead>
                <tr>
                  <th scope="col">App</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Purpose</th>
                  <th scope="col">Sanction expires</th>
                  <th scope="col">Hand over to</th>
                </tr>
              </thead>
              <tbody>
                {kase.orphanedApps.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link href={`/apps/${a.id}`} class="row-title">
                        {a.name ?? a.clientId}
                      </Link>
                    </td>
                    <td>{providerName(a.provider)}</td>
                    <td class="cell-wrap">{a.purpose ?? <span class="muted">—</span>}</td>
                    <td>{a.sanctionExpiresAt ? formatDate(a.sanctionExpiresAt) : 'Never'}</td>
                    <td>
                      {a.successorEmail ?? (
                        <span class="risk-text-high">No successor named: choose a new owner</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      {closing && (
        <CloseCaseDialog
          kase={kase}
          onClose={() => setClosing(false)}
          onCloseCase={async (note) => {
            await api.closeLeaverCase(person.id, note)
            reload()
          }}
        />
      )}
    </>
  )
}
