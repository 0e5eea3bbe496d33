// Import leavers from a CSV file (or pasted text) and show what the server did with each row.
import { useState } from 'preact/hooks'
import type { ImportLeaversResult } from '../api-types.ts'
import { plural } from '../format.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'

const EXAMPLE =
  'email,departure_date,manager,successor\nada@acme.example,2026-12-31,,grace@acme.example'

export function ImportLeaversDialog(props: {
  onImport(csv: string): Promise<ImportLeaversResult>
  onClose(): void
  /** After an import that applied rows: the list should reload. */
  onImported(): void
}) {
  const [csv, setCsv] = useState('')
  const [fileName, setFileName] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ImportLeaversResult | null>(null)

  async function pick(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0]
    if (!file) return
    setFileName(file.name)
    setCsv(await file.text())
    setError(null)
  }

  async function submit(event: Event) {
    event.preventDefault()
    if (!csv.trim()) {
      setError('Choose a CSV file or paste its rows.')
      return
    }
    setError(null)
    setServerError(null)
    setBusy(true)
    try {
      const done = await props.onImport(csv)
      setResult(done)
      if (done.applied > 0) props.onImported()
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }

  if (result)
    return (
      <Dialog
        title="Import finished"
        onClose={props.onClose}
        wide
        footer={
          <button type="button" class="btn btn-primary" onClick={props.onClose} data-autofocus>
            Done
          </button>
        }
      >
        <ImportResult result={result} />
      </Dialog>
    )

  return (
    <Dialog title="Import leavers from CSV" onClose={props.onClose} wide>
      <form class="form" onSubmit={submit} noValidate>
        <p class="muted">
          One row per person: <code>email</code> and <code>departure_date</code> (YYYY-MM-DD), and
          optionally <code>manager</code> and <code>successor</code>. Importing the same file again
          changes nothing.
        </p>
        <label class="field">
          <span class="label">CSV file</span>
          <input class="input" type="file" name="file" accept=".csv,text/csv" onChange={pick} />
          {fileName && <span class="hint">{fileName}</span>}
        </label>
        <label class="field">
          <span class="label">Or paste the rows</span>
          <textarea
            class="input mono"
            name="csv"
            rows={6}
            value={csv}
            placeholder={EXAMPLE}
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setCsv(e.currentTarget.value)}
          />
          {error && <span class="field-error">{error}</span>}
        </label>
        {serverError !== null && <ErrorBanner error={serverError} title="Could not import" />}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export function ImportResult({ result }: { result: ImportLeaversResult }) {
  const rejected = [...result.rejected].sort((a, b) => a.line - b.line)
  return (
    <div class="stack" role="status">
      <dl class="fact-strip import-summary">
        <div>
          <dt>Applied</dt>
          <dd>{result.applied}</dd>
        </div>
        <div>
          <dt>Already up to date</dt>
          <dd>{result.unchanged}</dd>
        </div>
        <div>
          <dt>Refused</dt>
          <dd>{result.rejected.length}</dd>
        </div>
      </dl>
      {rejected.length === 0 ? (
        <p class="muted">Every row was read.</p>
      ) : (
        <>
          <p>
            {plural(rejected.length, 'row was', 'rows were')} refused. Fix them in the file and
            import it again: rows already applied stay as they are.
          </p>
          <div class="table-wrap">
            <table class="table" aria-label="Refused rows">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Line
                  </th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {rejected.map((r) => (
                  <tr key={`${r.line}-${r.reason}`}>
                    <td class="num">{r.line}</td>
                    <td class="cell-wrap">{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  )
}
