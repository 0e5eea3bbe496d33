// Opaque keyset cursors for paginated lists (ordered by a timestamp, then id).
/** Opaque keyset cursor: the sort value and id of the last row of the previous page. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

export function decodeCursor(cursor: string): [Date, string] | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      string,
    ]
    const date = new Date(at)
    return Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)
      ? null
      : [date, id]
  } catch {
    return null
  }
}
