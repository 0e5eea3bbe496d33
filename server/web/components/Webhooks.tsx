// Webhooks (owner only): where alerts go, their signing secret shown once, and the delivery log.
import { useState } from 'preact/hooks'
import type { Webhook, WebhookDelivery, WebhookEvent } from '../api-types.ts'
import { WEBHOOK_EVENTS } from '../api-types.ts'
import { formatDateTime, formatRelative } from '../format.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { Badge, type Tone } from './Badge.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { Dialog } from './Dialog.tsx'
import { EmptyState, ErrorBanner, Loaded } from './Feedback.tsx'
import { SecretOnce } from './SecretOnce.tsx'

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'grant.high_risk': 'A high or critical-risk grant is seen',
  'sanction.expired': 'A sanction expires',
  'approval.requested': 'An employee requests approval',
  'leaver.due': 'A leaver’s leaving day comes',
  'leaver.live_grants': 'A leaver still has live grants on their leaving day',
  'revocation.failed': 'A revocation fails (it will be retried)',
  'revocation.dead': 'A revocation gives up after every attempt',
  'grant.reappeared': 'A revoked grant reappears',
}

const DELIVERY_TONES: Record<WebhookDelivery['status'], Tone> = {
  pending: 'info',
  delivered: 'good',
  failed: 'warn',
  dead: 'bad',
}

export function Webhooks() {
  const api = useApi()
  const hooks = useResource(() => api.listWebhooks(), [])
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null)
  const [deleting, setDeleting] = useState<Webhook | null>(null)
  const [viewing, setViewing] = useState<Webhook | null>(null)
  return (
    <section class="card" aria-labelledby="webhooks">
      <div class="card-header">
        <h2 id="webhooks">Webhooks</h2>
      </div>
      <p class="muted card-intro">
        Send alerts to your SIEM (signed JSON) or a Slack channel (incoming webhook URL).
      </p>
      <AddWebhook
        onAdded={(url, s) => {
          if (s) setSecret({ url, secret: s })
          hooks.reload()
        }}
      />
      {secret && (
        <SecretOnce
          label={`Signing secret for ${secret.url}`}
          value={secret.secret}
          note="Copy it now: it is shown only once. Verify each delivery's HMAC-SHA256 signature with it."
          onDone={() => setSecret(null)}
        />
      )}
      <Loaded resource={hooks} label="Loading webhooks…" errorTitle="Could not load webhooks">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No webhooks">
              Add one above to hear about risky grants, expired sanctions and approval requests as
              they happen.
            </EmptyState>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Format</th>
                  <th scope="col">Events</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((h) => (
                  <tr key={h.id}>
                    <td class="mono cell-fill" title={h.url}>
                      {h.url}
                    </td>
                    <td>{h.format === 'slack' ? 'Slack' : 'JSON (signed)'}</td>
                    <td class="cell-wrap">
                      {h.events.map((e) => (
                        <Badge key={e}>{e}</Badge>
                      ))}
                    </td>
                    <td>
                      {h.disabledAt ? (
                        <Badge>Deleted {formatDateTime(h.disabledAt)}</Badge>
                      ) : (
                        formatDateTime(h.createdAt)
                      )}
                    </td>
                    <td class="num">
                      <div class="row-actions">
                        <button type="button" class="btn btn-sm" onClick={() => setViewing(h)}>
                          Deliveries
                        </button>
                        {!h.disabledAt && (
                          <button
                            type="button"
                            class="btn btn-sm btn-ghost-danger"
                            onClick={() => setDeleting(h)}
                          >
                            Delete
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {deleting && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          danger
          onConfirm={() => api.deleteWebhook(deleting.id)}
          onDone={hooks.reload}
          onClose={() => setDeleting(null)}
        >
          <p>
            Nothing more is sent to <span class="mono break">{deleting.url}</span>.
          </p>
        </ConfirmDialog>
      )}
      {viewing && <Deliveries hook={viewing} onClose={() => setViewing(null)} />}
    </section>
  )
}

function AddWebhook(props: { onAdded(url: string, secret: string | null): void }) {
  const api = useApi()
  const [url, setUrl] = useState('')
  const [format, setFormat] = useState<'json' | 'slack'>('json')
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS])
  const [errors, setErrors] = useState<{ url?: string; events?: string }>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  async function submit(event: Event) {
    event.preventDefault()
    const found: typeof errors = {}
    try {
      const parsed = new URL(url.trim())
      const local = parsed.hostname === 'localhost' || parsed.hostname === '127.0.0.1'
      if (parsed.protocol !== 'https:' && !(local && parsed.protocol === 'http:'))
        found.url = 'Use an https:// address (http only for localhost).'
    } catch {
      found.url = 'Enter the full address, starting with https://'
    }
    if (events.length === 0) found.events = 'Choose at least one event.'
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    setServerError(null)
    try {
      const created = await api.createWebhook({ url: url.trim(), format, events })
      props.onAdded(url.trim(), created.secret)
      setUrl('')
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="form webhook-form" onSubmit={submit} noValidate>
      <div class="form-grid">
        <label class="field">
          <span class="label">URL</span>
          <input
            class="input"
            type="url"
            name="url"
            value={url}
            placeholder="https://siem.example.com/hooks/consentry"
            aria-invalid={errors.url ? 'true' : undefined}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          {errors.url && <span class="field-error">{errors.url}</span>}
        </label>
        <fieldset class="field">
          <legend class="label">Format</legend>
          <div class="radio-row">
            <label class="radio">
              <input
                type="radio"
                name="format"
                checked={format === 'json'}
                onChange={() => setFormat('json')}
              />
              JSON, signed
            </label>
            <label class="radio">
              <input
                type="radio"
                name="format"
                checked={format === 'slack'}
                onChange={() => setFormat('slack')}
              />
              Slack
            </label>
          </div>
        </fieldset>
      </div>
      <fieldset class="field">
        <legend class="label">Events</legend>
        <div class="radio-row">
          {WEBHOOK_EVENTS.map((e) => (
            <label class="checkbox" key={e}>
              <input
                type="checkbox"
                name="events"
                value={e}
                checked={events.includes(e)}
                onChange={(ev) =>
                  setEvents(
                    ev.currentTarget.checked ? [...events, e] : events.filter((x) => x !== e)
                  )
                }
              />
              {EVENT_LABELS[e]}
            </label>
          ))}
        </div>
        {errors.events && <span class="field-error">{errors.events}</span>}
      </fieldset>
      {serverError !== null && (
        <ErrorBanner error={serverError} title="Could not add the webhook" />
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  )
}

function Deliveries({ hook, onClose }: { hook: Webhook; onClose(): void }) {
  const api = useApi()
  const deliveries = useResource(() => api.listDeliveries(hook.id), [hook.id])
  return (
    <Dialog
      title="Delivery log"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" class="btn" onClick={deliveries.reload}>
            Refresh
          </button>
          <button type="button" class="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <p class="mono break muted">{hook.url}</p>
      <Loaded
        resource={deliveries}
        label="Loading deliveries…"
        errorTitle="Could not load deliveries"
      >
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="Nothing sent yet">
              Deliveries appear here when one of the chosen events happens.
            </EmptyState>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr key={d.id}>
                    <td class="mono">{d.event}</td>
                    <td>
                      <Badge tone={DELIVERY_TONES[d.status]}>{d.status}</Badge>
                    </td>
                    <td class="num">{d.attempts}</td>
                    <td class="cell-wrap">
                      {d.lastStatus ? `HTTP ${d.lastStatus}` : ''}
                      {d.lastError ? <span class="muted"> {d.lastError}</span> : null}
                      {!d.lastStatus && !d.lastError ? <span class="muted">—</span> : null}
                    </td>
                    <td title={formatDateTime(d.createdAt)}>{formatRelative(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </Dialog>
  )
}
