import { afterEach, describe, expect, it, vi } from 'vitest'
import { act } from 'preact/test-utils'
import type { ApprovalRequest } from '../api-types.ts'
import { ApiError } from '../api.ts'
import { renderInTest, settle, type Rendered } from '../render-in-test.tsx'
import { ApproveDialog, validateApproval, type ApproveForm } from './ApproveDialog.tsx'

const NOW = new Date('2026-11-23T09:00:00Z')
const valid: ApproveForm = {
  ownerEmail: 'grace@acme.example',
  purpose: 'Meeting notes for customer calls',
  expires: '2027-05-01',
  scope: 'requester',
}

const request: ApprovalRequest = {
  id: 'r-1',
  personEmail: 'katherine@acme.example',
  provider: 'google',
  clientId: '5555-meetgeek.apps.googleusercontent.com',
  appName: 'MeetGeek',
  appId: null,
  scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
  reason: 'Customer calls in German',
  status: 'open',
  createdAt: '2026-11-23T07:00:00Z',
  decidedAt: null,
  decidedBy: null,
  decisionNote: null,
}

describe('validateApproval', () => {
  it('accepts a complete form, and an empty expiry as "no expiry"', () => {
    expect(validateApproval(valid, NOW)).toEqual({})
    expect(validateApproval({ ...valid, expires: '' }, NOW)).toEqual({})
  })

  it.each<[Partial<ApproveForm>, keyof ApproveForm, string]>([
    [{ ownerEmail: '  ' }, 'ownerEmail', 'Name the person accountable'],
    [{ ownerEmail: 'grace' }, 'ownerEmail', 'valid email address'],
    [{ purpose: '' }, 'purpose', 'Say what the app is approved for'],
    [{ purpose: 'ok' }, 'purpose', 'at least 3 characters'],
    [{ purpose: 'x'.repeat(1001) }, 'purpose', 'under 1000'],
    [{ expires: '2026-11-22' }, 'expires', 'in the future'],
    [{ expires: '23/11/2027' }, 'expires', 'YYYY-MM-DD'],
    [{ scope: 'team' as 'everyone' }, 'scope', 'Choose who'],
  ])('rejects %j on %s', (change, field, message) => {
    const errors = validateApproval({ ...valid, ...change }, NOW)
    expect(Object.keys(errors)).toEqual([field])
    expect(errors[field]).toContain(message)
  })
})

describe('ApproveDialog', () => {
  let view: Rendered | null = null
  afterEach(() => view?.unmount())

  function input(name: string) {
    return view!.container.querySelector(`[name="${name}"]`) as HTMLInputElement
  }
  async function type(name: string, value: string) {
    await act(() => {
      const el = input(name)
      el.value = value
      el.dispatchEvent(new Event('input', { bubbles: true }))
    })
  }
  async function submit() {
    await act(() => {
      view!.container
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    })
    await settle()
  }

  it('shows what is asked for, and does not send an incomplete form', async () => {
    const onApprove = vi.fn(async () => {})
    view = await renderInTest(
      <ApproveDialog request={request} onApprove={onApprove} onClose={() => {}} now={NOW} />
    )
    expect(view.text()).toContain('Customer calls in German')
    expect(view.text()).toContain('Read all your Google Drive files')
    expect(input('ownerEmail').value).toBe('katherine@acme.example')
    await type('ownerEmail', 'not-an-email')
    await submit()
    expect(onApprove).not.toHaveBeenCalled()
    expect(view.text()).toContain('Enter a valid email address')
    expect(view.text()).toContain('Say what the app is approved for.')
    expect(input('ownerEmail').getAttribute('aria-invalid')).toBe('true')
  })

  it('sends owner, purpose, expiry at the end of the chosen day and the scope', async () => {
    const onApprove = vi.fn(async () => {})
    const onClose = vi.fn()
    view = await renderInTest(
      <ApproveDialog request={request} onApprove={onApprove} onClose={onClose} now={NOW} />
    )
    await type('ownerEmail', ' grace@acme.example ')
    await type('purpose', 'Notes of German-language customer calls')
    await type('expires', '2027-05-01')
    await act(() => {
      const everyone = view!.container.querySelector('input[value="everyone"]') as HTMLInputElement
      everyone.checked = true
      everyone.dispatchEvent(new Event('change', { bubbles: true }))
    })
    await submit()
    expect(onApprove).toHaveBeenCalledTimes(1)
    const sent = (onApprove.mock.calls[0] as unknown as [Record<string, unknown>])[0]
    expect(sent).toMatchObject({
      ownerEmail: 'grace@acme.example',
      purpose: 'Notes of German-language customer calls',
      scope: 'everyone',
    })
    expect(new Date(sent.expiresAt as string).getTime()).toBe(
      new Date('2027-05-01T23:59:59').getTime()
    )
    expect(onClose).toHaveBeenCalled()
  })

  it("keeps the dialog open with the server's message when approval fails", async () => {
    const onClose = vi.fn()
    view = await renderInTest(
      <ApproveDialog
        request={request}
        onApprove={async () => {
          throw new ApiError(409, 'already_decided', 'This request was already decided')
        }}
        onClose={onClose}
        now={NOW}
      />
    )
    await type('purpose', 'Notes of customer calls')
    await submit()
    expect(view.text()).toContain('This request was already decided')
    expect(onClose).not.toHaveBeenCalled()
  })
})
