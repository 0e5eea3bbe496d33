// Test support for the web project: render into happy-dom, settle effects, fake the API by route.
import type { ComponentChildren, VNode } from 'preact'
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { createApi, type Api } from './api.ts'
import type { Me, Role } from './api-types.ts'
import { SessionContext, type Session } from './state.ts'

export interface Rendered {
  container: HTMLElement
  text(): string
  unmount(): void
}

export async function renderInTest(vnode: VNode): Promise<Rendered> {
  const container = document.createElement('div')
  document.body.appendChild(container)
  await act(() => {
    render(vnode, container)
  })
  await settle()
  return {
    container,
    text: () => container.textContent ?? '',
    unmount: () => {
      render(null, container)
      container.remove()
    },
  }
}

/** Let pending promises and effects run (fetches answered by a fake resolve in a few ticks). */
export async function settle(times = 5) {
  for (let i = 0; i < times; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0))
    })
  }
}

export type FakeRoutes = Record<string, unknown | ((init: RequestInit) => Response)>

/** A fetch answering "METHOD /path" (query ignored) with JSON; unknown routes answer 404. */
export function fakeFetch(routes: FakeRoutes) {
  const calls: { method: string; url: string; init: RequestInit }[] = []
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input)
    const method = init.method ?? 'GET'
    calls.push({ method, url, init })
    const answer = routes[`${method} ${url.split('?')[0]}`]
    if (answer === undefined)
      return Response.json(
        { error: { code: 'not_found', message: `No route ${method} ${url}` } },
        {
          status: 404,
        }
      )
    if (typeof answer === 'function') return (answer as (init: RequestInit) => Response)(init)
    return Response.json(answer)
  }
  return { fetch: fetch as typeof globalThis.fetch, calls }
}

export function meAs(role: Role): Me {
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    email: `${role}@acme.example`,
    name: `Pat ${role}`,
    role,
    orgId: 'o0000000-0000-4000-8000-000000000001',
    orgName: 'Acme Corp',
    csrfToken: 'csrf-test-token',
  }
}

export function SessionForTest(props: { role: Role; api: Api; children: ComponentChildren }) {
  const session: Session = { me: meAs(props.role), api: props.api, logout: async () => {} }
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>
}

export function apiWith(routes: FakeRoutes) {
  const fake = fakeFetch(routes)
  return { api: createApi({ fetch: fake.fetch }), calls: fake.calls }
}
