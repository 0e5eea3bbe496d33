// The warning says which app, what it may do and the risk, and enforces the policy's action.
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { classifyConsent } from '../../../shared/consent/classify-consent.ts'
import { parseConsentUrl } from '../../../shared/consent/parse-consent-url.ts'
import type { PolicyAction } from '../../../shared/api/events.ts'
import { Warning } from './Warning.tsx'

const request = parseConsentUrl(
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=1.apps.googleusercontent.com&response_type=code&redirect_uri=https%3A%2F%2Fapp.fireflies.ai%2Fcb&scope=openid%20https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly&access_type=offline'
)!
const view = (action: PolicyAction) => ({
  request,
  classification: classifyConsent(request),
  action,
  basis: 'risk' as const,
  orgName: 'Acme',
})

function mount(action: PolicyAction) {
  const container = document.createElement('div')
  document.body.append(container)
  const props = {
    onContinue: vi.fn(),
    onCancel: vi.fn(),
    onRequestApproval: vi.fn(async () => true),
    onDismiss: vi.fn(),
  }
  act(() => render(<Warning view={view(action)} {...props} />, container))
  return { container, ...props }
}
const button = (c: HTMLElement, name: string) =>
  [...c.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)
async function type(textarea: HTMLTextAreaElement, value: string) {
  await act(async () => {
    textarea.value = value
    textarea.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('Warning', () => {
  it('names the app, says it is an AI tool, and explains the scopes and the risk', () => {
    const { container } = mount('warn')
    const text = container.textContent ?? ''
    expect(text).toContain('Fireflies.ai wants access to your Google account')
    expect(text).toContain('AI tool by Fireflies.ai')
    expect(text).toContain('Read all your Google Drive files')
    expect(text).toContain('Critical risk')
    expect(text).toContain('Keeps access when you are away')
    expect(container.querySelector('[role="alertdialog"]')?.getAttribute('aria-modal')).toBe('true')
  })

  it('warn: continue or cancel', () => {
    const { container, onContinue, onCancel } = mount('warn')
    act(() => button(container, 'Continue')?.click())
    expect(onContinue).toHaveBeenCalledWith(null)
    act(() => button(container, 'Cancel')?.click())
    expect(onCancel).toHaveBeenCalled()
  })

  it('justify: continue only after a reason is typed, and the reason is passed on', async () => {
    const { container, onContinue } = mount('justify')
    expect(button(container, 'Continue')?.disabled).toBe(true)
    await type(container.querySelector('textarea') as HTMLTextAreaElement, 'Customer call notes')
    expect(button(container, 'Continue')?.disabled).toBe(false)
    act(() => button(container, 'Continue')?.click())
    expect(onContinue).toHaveBeenCalledWith('Customer call notes')
  })

  it('block: no way to continue, and a request for approval is sent', async () => {
    const { container, onRequestApproval } = mount('block')
    expect(button(container, 'Continue')).toBeUndefined()
    expect(container.textContent).toContain('does not allow this app')
    await type(container.querySelector('textarea') as HTMLTextAreaElement, 'Sales team needs it')
    await act(async () => button(container, 'Request approval')?.click())
    expect(onRequestApproval).toHaveBeenCalledWith('Sales team needs it')
    expect(container.textContent).toContain('Your request was sent to IT')
  })

  it('allow: only a small notice that can be dismissed', () => {
    const { container, onDismiss } = mount('allow')
    expect(container.querySelector('[role="alertdialog"]')).toBeNull()
    expect(container.querySelector('[role="status"]')?.textContent).toContain('Fireflies.ai')
    act(() => button(container, 'Dismiss')?.click())
    expect(onDismiss).toHaveBeenCalled()
  })
})
