// Content script on identity-provider consent pages only: asks the background what this page is
// and, when the policy says so, shows the warning in a shadow root.
import { createShadowRootUi, defineContentScript } from '#imports'
import { render } from 'preact'
import { consentPagePatterns } from '../../../shared/consent/idp-match-patterns.ts'
import { sendMessage, type ConsentView } from '../../lib/messaging.ts'
import { Warning } from './Warning.tsx'
import './style.css'

export default defineContentScript({
  matches: consentPagePatterns(),
  runAt: 'document_end',
  cssInjectionMode: 'ui',
  async main(ctx) {
    let ui: Awaited<ReturnType<typeof createShadowRootUi>> | null = null

    async function show() {
      ui?.remove()
      ui = null
      const url = location.href
      const view: ConsentView | null = await sendMessage('getConsentView', { url })
      if (!view || !ctx.isValid) return
      // A plain sign-in of an app allowed by policy needs no interruption.
      if (
        view.action === 'allow' &&
        view.classification.risk === 'low' &&
        !view.classification.app.isAi
      )
        return
      const decide = (decision: 'continued' | 'cancelled', justification: string | null) =>
        sendMessage('reportDecision', { url, action: view.action, decision, justification })
      ui = await createShadowRootUi(ctx, {
        name: 'consentry-warning',
        position: 'modal',
        zIndex: 2147483647,
        onMount(container) {
          render(
            <Warning
              view={view}
              onContinue={async (justification) => {
                // Recorded before the page is usable again, so the outcome carries the decision.
                await decide('continued', justification)
                ui?.remove()
              }}
              onCancel={async () => {
                await decide('cancelled', null)
                ui?.remove()
                if (history.length > 1) history.back()
                else window.close()
              }}
              onRequestApproval={(reason) => sendMessage('requestApproval', { url, reason })}
              onDismiss={() => ui?.remove()}
            />,
            container
          )
        },
        onRemove(container) {
          if (container) render(null, container)
        },
      })
      ui.mount()
      if (view.action === 'block')
        void sendMessage('reportDecision', {
          url,
          action: 'block',
          decision: 'blocked',
          justification: null,
        })
      else if (view.action !== 'allow')
        void sendMessage('reportDecision', {
          url,
          action: view.action,
          decision: 'shown',
          justification: null,
        })
    }

    ctx.addEventListener(window, 'wxt:locationchange', () => void show())
    await show()
  },
})
