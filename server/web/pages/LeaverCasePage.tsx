// One leaver's offboarding case, full page (the case view loads and reloads it here).
import { Loaded } from '../components/Feedback.tsx'
import { OffboardingCaseView } from '../components/OffboardingCaseView.tsx'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'
import type { EventSourceFactory } from '../use-plan-progress.ts'

export function LeaverCasePage(props: {
  personId: string
  /** Tests drive progress with a fake; the browser's EventSource otherwise. */
  eventSource?: EventSourceFactory | null
  pollMs?: number
}) {
  const api = useApi()
  const kase = useResource(() => api.getLeaverCase(props.personId), [props.personId])
  return (
    <Loaded
      resource={kase}
      label="Loading the offboarding case…"
      errorTitle="Could not load this offboarding case"
    >
      {(k) => (
        <OffboardingCaseView
          kase={k}
          reload={kase.reload}
          eventSource={props.eventSource}
          pollMs={props.pollMs}
        />
      )}
    </Loaded>
  )
}
