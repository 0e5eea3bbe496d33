import { afterEach, describe, expect, it } from 'vitest'
import type { Summary } from '../api-types.ts'
import { apiWith, renderInTest, SessionForTest, type Rendered } from '../render-in-test.tsx'
import { OverviewPage } from './OverviewPage.tsx'

const summary: Summary = {
  aiApps: 4,
  unsanctionedAiApps: 2,
  apps: 9,
  activeGrants: 30,
  peopleWithAiGrants: 12,
  highRiskGrants: 5,
  devices: 20,
  expiredSanctions: 0,
}

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

async function renderWith(s: Summary) {
  const { api } = apiWith({ 'GET /api/v1/summary': s })
  view = await renderInTest(
    <SessionForTest role="auditor" api={api}>
      <OverviewPage />
    </SessionForTest>
  )
  return view
}

function statCard(v: Rendered, label: string): HTMLAnchorElement | null {
  const found = [...v.container.querySelectorAll('.stat-label')].find(
    (l) => l.textContent === label
  )
  return (found?.closest('a') as HTMLAnchorElement | null) ?? null
}

describe('Overview: offboarding', () => {
  it('shows leavers with live grants, failed revocations and reappeared grants, linked', async () => {
    const v = await renderWith({
      ...summary,
      leaversWithLiveGrants: 3,
      failedRevocations: 7,
      reappearedGrants: 1,
    })
    const leavers = statCard(v, 'Leavers with live grants')
    const failed = statCard(v, 'Failed revocations')
    const reappeared = statCard(v, 'Reappeared grants')
    expect(leavers?.getAttribute('href')).toBe('/leavers?when=all')
    expect(leavers?.querySelector('.stat-value')?.textContent).toBe('3')
    expect(failed?.getAttribute('href')).toBe('/revocations?state=failed%2Cdead')
    expect(failed?.querySelector('.stat-value')?.textContent).toBe('7')
    expect(failed?.classList.contains('stat-bad')).toBe(true)
    expect(reappeared?.querySelector('.stat-value')?.textContent).toBe('1')
  })

  it('works with a server that does not report them yet', async () => {
    const v = await renderWith(summary)
    expect(v.text()).toContain('AI apps in use')
    expect(statCard(v, 'Failed revocations')).toBeNull()
    expect(v.text()).not.toContain('Offboarding')
  })
})
