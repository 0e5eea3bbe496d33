// The admin app: restores the session, shows Login or the signed-in shell, and routes pages.
import type { ComponentChildren } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { ApiError, createApi } from './api.ts'
import type { Me } from './api-types.ts'
import { ErrorBanner, Loading } from './components/Feedback.tsx'
import { Sidebar } from './components/Sidebar.tsx'
import { AppDetailPage } from './pages/AppDetailPage.tsx'
import { AppsPage } from './pages/AppsPage.tsx'
import { AuditPage } from './pages/AuditPage.tsx'
import { ConnectionsPage } from './pages/ConnectionsPage.tsx'
import { DevicesPage } from './pages/DevicesPage.tsx'
import { LeaverCasePage } from './pages/LeaverCasePage.tsx'
import { LeaversPage } from './pages/LeaversPage.tsx'
import { LoginPage } from './pages/LoginPage.tsx'
import { NotFoundPage } from './pages/NotFoundPage.tsx'
import { OverviewPage } from './pages/OverviewPage.tsx'
import { PeoplePage } from './pages/PeoplePage.tsx'
import { PersonPage } from './pages/PersonPage.tsx'
import { RequestsPage } from './pages/RequestsPage.tsx'
import { RevocationsPage } from './pages/RevocationsPage.tsx'
import { SettingsPage } from './pages/SettingsPage.tsx'
import { matchRoute, navigate, useLocation } from './router.ts'
import { SessionContext, type Session } from './state.ts'

interface Route {
  pattern: string
  title: string
  render(params: Record<string, string>): ComponentChildren
}

const ROUTES: Route[] = [
  { pattern: '/', title: 'Overview', render: () => <OverviewPage /> },
  { pattern: '/apps', title: 'Apps', render: () => <AppsPage /> },
  { pattern: '/apps/:id', title: 'App', render: (p) => <AppDetailPage key={p.id} id={p.id!} /> },
  { pattern: '/people', title: 'People', render: () => <PeoplePage /> },
  { pattern: '/people/:id', title: 'Person', render: (p) => <PersonPage key={p.id} id={p.id!} /> },
  { pattern: '/leavers', title: 'Leavers', render: () => <LeaversPage /> },
  {
    pattern: '/leavers/:personId',
    title: 'Offboarding case',
    render: (p) => <LeaverCasePage key={p.personId} personId={p.personId!} />,
  },
  { pattern: '/requests', title: 'Requests', render: () => <RequestsPage /> },
  { pattern: '/devices', title: 'Devices & enrollment', render: () => <DevicesPage /> },
  { pattern: '/revocations', title: 'Revocations', render: () => <RevocationsPage /> },
  { pattern: '/connections', title: 'Connections', render: () => <ConnectionsPage /> },
  { pattern: '/audit', title: 'Audit log', render: () => <AuditPage /> },
  { pattern: '/settings', title: 'Settings', render: () => <SettingsPage /> },
]

export function resolveRoute(path: string): {
  route: Route | null
  params: Record<string, string>
} {
  for (const route of ROUTES) {
    const params = matchRoute(route.pattern, path)
    if (params) return { route, params }
  }
  return { route: null, params: {} }
}

export function App(props: { fetch?: typeof fetch }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const [bootError, setBootError] = useState<unknown>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const api = useMemo(
    () =>
      createApi({
        fetch: props.fetch,
        onUnauthorized: () => {
          setNotice('Your session has ended. Sign in again to continue where you were.')
          setMe(null)
        },
      }),
    []
  )
  useEffect(() => {
    api.me().then(setMe, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setMe(null)
      else setBootError(e)
    })
  }, [])

  const session = useMemo<Session | null>(
    () =>
      me
        ? {
            me,
            api,
            logout: async () => {
              try {
                await api.logout()
              } finally {
                setNotice('You are signed out.')
                setMe(null)
              }
            },
          }
        : null,
    [me]
  )

  if (bootError)
    return (
      <main class="login">
        <div class="login-card">
          <ErrorBanner
            error={bootError}
            title="Could not reach Consentry"
            onRetry={() => location.reload()}
          />
        </div>
      </main>
    )
  if (me === undefined)
    return (
      <main class="login">
        <Loading label="Loading Consentry…" rows={1} />
      </main>
    )
  if (!session)
    return (
      <LoginPage
        api={api}
        notice={notice}
        onLogin={(next) => {
          setNotice(null)
          if (location.pathname === '/login') navigate('/', { replace: true })
          setMe(next)
        }}
      />
    )
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  )
}

function Shell({ session }: { session: Session }) {
  const { path } = useLocation()
  const { route, params } = resolveRoute(path === '/login' ? '/' : path)
  useEffect(() => {
    document.title = `${route?.title ?? 'Not found'} · Consentry`
  }, [route])
  return (
    <div class="layout">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar me={session.me} path={path} onLogout={() => void session.logout()} />
      <main id="main" class="main" tabIndex={-1}>
        <div class="content">{route ? route.render(params) : <NotFoundPage />}</div>
      </main>
    </div>
  )
}
