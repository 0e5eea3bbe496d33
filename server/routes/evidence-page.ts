// The printable evidence page of a leaver's case (print it to PDF from the browser). Server-rendered
// with hono/html, which escapes every value; the stylesheet carries the response's CSP nonce.
import { html, raw } from 'hono/html'
import type { CaseEvidence } from '../domain/case-evidence.ts'

const STYLE = `
  body { font: 13px/1.45 system-ui, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { text-align: left; vertical-align: top; padding: .3rem .4rem; border-bottom: 1px solid #e3e3e3; }
  th { font-weight: 600; background: #f5f5f5; } .muted { color: #555; } .mono { font-family: ui-monospace, monospace; font-size: 11px; word-break: break-all; }
  .ok { color: #0a6b2f; font-weight: 600; } .bad { color: #a40e0e; font-weight: 600; } dl { display: grid; grid-template-columns: 12rem 1fr; gap: .2rem 1rem; } dt { color: #555; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
`

const when = (value: string | null) =>
  value ? value.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '—'

export function renderEvidencePage(e: CaseEvidence, nonce: string) {
  const chain = e.audit.chain
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Offboarding evidence: ${e.person.email}</title>
        <style nonce="${nonce}">
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <h1>Offboarding evidence: ${e.person.name ?? e.person.email}</h1>
        <p class="muted">
          ${e.organisation.name} · generated ${when(e.generatedAt)} by
          ${e.generatedBy.email ?? e.generatedBy.adminId} · format ${e.format}
        </p>
        <h2>Who left</h2>
        <dl>
          <dt>Email</dt>
          <dd>${e.person.email}</dd>
          <dt>Other addresses</dt>
          <dd>${e.person.aliases.join(', ') || '—'}</dd>
          <dt>Leaving date</dt>
          <dd>${e.person.departureDate ?? '—'}</dd>
          <dt>Learned from</dt>
          <dd>${e.person.source ?? '—'}</dd>
          <dt>Manager</dt>
          <dd>${e.person.managerEmail ?? '—'}</dd>
          <dt>Successor</dt>
          <dd>${e.person.successorEmail ?? '—'}</dd>
          <dt>Case</dt>
          <dd>
            ${e.case ? `${e.case.state}, opened ${when(e.case.openedAt)}, closed ${when(e.case.closedAt)}${e.case.closedBy ? ` by ${e.case.closedBy}` : ''}` : 'no case'}
          </dd>
          ${
            e.case?.closeNote
              ? html`<dt>Closing note</dt>
                  <dd>${e.case.closeNote}</dd>`
              : ''
          }
          <dt>Summary</dt>
          <dd>
            ${e.summary.grants} grants · ${e.summary.verified} verified revoked ·
            ${e.summary.stillLive} still live · ${e.summary.failed} failed
          </dd>
        </dl>
        <h2>Grants</h2>
        <table>
          <thead>
            <tr>
              <th>App</th>
              <th>Provider · account</th>
              <th>Scopes</th>
              <th>Risk</th>
              <th>Status</th>
              <th>Revocation</th>
            </tr>
          </thead>
          <tbody>
            ${e.grants.map(
              (g) =>
                html`<tr>
                  <td>
                    ${g.app}
                    <div class="mono">${g.clientId}</div>
                  </td>
                  <td>
                    ${g.provider}
                    <div class="muted">${g.account}</div>
                  </td>
                  <td class="mono">${g.scopes.join(' ')}</td>
                  <td>${g.risk}</td>
                  <td>
                    ${g.status}${g.followUp ? html`<div class="muted">${g.followUp}</div>` : ''}
                  </td>
                  <td>
                    ${
                      g.revocation
                        ? html`<span
                              class="${g.revocation.state === 'verified' ? 'ok' : ['failed', 'dead'].includes(g.revocation.state) ? 'bad' : ''}"
                              >${g.revocation.state}</span
                            >
                            ${when(g.revocation.updatedAt)}, ${g.revocation.attempts} attempt(s)
                            <div class="muted">
                              provider status ${g.revocation.providerStatus ?? '—'}, request
                              ${g.revocation.providerRequestId ?? '—'}
                            </div>
                            ${g.revocation.error ? html`<div class="bad">${g.revocation.error}</div>` : ''}`
                        : '—'
                    }
                  </td>
                </tr>`
            )}
          </tbody>
        </table>
        <h2>Revocation plans</h2>
        <table>
          <thead>
            <tr>
              <th>Plan</th>
              <th>State</th>
              <th>Planned</th>
              <th>Approved</th>
              <th>Jobs</th>
            </tr>
          </thead>
          <tbody>
            ${e.plans.map(
              (plan) =>
                html`<tr>
                  <td class="mono">${plan.id}</td>
                  <td>${plan.state}</td>
                  <td>${when(plan.createdAt)} by ${plan.plannedBy ?? 'the scheduler'}</td>
                  <td>
                    ${plan.approvedAt ? `${when(plan.approvedAt)} by ${plan.approvedBy ?? 'the scheduler'}` : '—'}
                  </td>
                  <td>
                    ${Object.entries(plan.counts)
                      .map(([state, n]) => `${state} ${n}`)
                      .join(', ')}
                  </td>
                </tr>`
            )}
          </tbody>
        </table>
        <h2>Audit entries</h2>
        <p>
          Chain check at export:
          <span class="${chain.ok ? 'ok' : 'bad'}"
            >${chain.ok ? `intact, ${chain.entries} entries, head ${chain.lastHash}` : `broken at entry ${chain.firstBroken.seq}: ${chain.firstBroken.reason}`}</span
          >
        </p>
        <p class="muted">${e.audit.howToVerify}</p>
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            ${e.audit.entries.map(
              (a) =>
                html`<tr>
                  <td>${a.seq}</td>
                  <td>${when(a.at)}</td>
                  <td>
                    ${a.actorType}${a.actorId ? html`<div class="mono">${a.actorId}</div>` : ''}
                  </td>
                  <td>
                    ${a.action}
                    <div class="mono">${JSON.stringify(a.data)}</div>
                  </td>
                  <td class="mono">
                    ${a.hash}
                    <div class="muted">prev ${a.prevHash}</div>
                  </td>
                </tr>`
            )}
          </tbody>
        </table>
      </body>
    </html>`
}
