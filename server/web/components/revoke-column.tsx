// The "Revoke" action column of a list of revocable credentials (enrollment tokens, browsers, SCIM
// tokens): a button while the row is live, nothing once it is revoked.
import type { Column } from './DataTable.tsx'

export function revokeColumn<T extends { revokedAt: string | null }>(
  onRevoke: (row: T) => void
): Column<T> {
  return {
    key: 'actions',
    header: <span class="sr-only">Actions</span>,
    align: 'right',
    render: (row) =>
      row.revokedAt ? null : (
        <button type="button" class="btn btn-sm btn-ghost-danger" onClick={() => onRevoke(row)}>
          Revoke
        </button>
      ),
  }
}
