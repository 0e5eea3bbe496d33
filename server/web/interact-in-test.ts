// Test support for the web project: type, choose, click and submit the way a person does, then
// let the effects and fake fetches settle.
import { act } from 'preact/test-utils'
import { settle } from './render-in-test.tsx'

export function button(root: ParentNode, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)
  if (!found) throw new Error(`No button "${text}"`)
  return found
}

export function buttonTexts(root: ParentNode): string[] {
  return [...root.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? '')
}

export async function click(element: HTMLElement) {
  await act(() => {
    element.click()
  })
  await settle()
}

export async function typeInto(root: ParentNode, selector: string, value: string) {
  const input = root.querySelector(selector) as HTMLInputElement | HTMLTextAreaElement | null
  if (!input) throw new Error(`No field ${selector}`)
  await act(() => {
    input.value = value
    input.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

export async function choose(root: ParentNode, selector: string, value: string) {
  const select = root.querySelector(selector) as HTMLSelectElement | null
  if (!select) throw new Error(`No select ${selector}`)
  await act(() => {
    select.value = value
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
  await settle()
}

export async function submit(form: HTMLFormElement) {
  await act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
  })
  await settle()
}
