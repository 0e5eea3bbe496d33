// SCIM errors (RFC 7644 §3.12): the result type SCIM domain functions return instead of throwing,
// and the body every failure is answered with (status as a string, scimType where one applies).
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

export type ScimErrorType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'invalidValue'
  | 'noTarget'
  | 'uniqueness'
  | 'mutability'

export type ScimStatus = 400 | 401 | 404 | 409 | 413 | 415 | 500

export interface ScimFailure {
  ok: false
  status: ScimStatus
  scimType?: ScimErrorType
  detail: string
}

export type ScimResult<T> = { ok: true; value: T } | ScimFailure

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })

export function fail(status: ScimStatus, scimType: ScimErrorType | undefined, detail: string) {
  return { ok: false, status, ...(scimType ? { scimType } : {}), detail } satisfies ScimFailure
}

/** A 400 with its scimType: the common case. */
export const badRequest = (scimType: ScimErrorType, detail: string): ScimFailure =>
  fail(400, scimType, detail)

export const notFound = (id: string): ScimFailure => fail(404, undefined, `No User with id ${id}`)

export function scimErrorBody(failure: ScimFailure) {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(failure.status),
    ...(failure.scimType ? { scimType: failure.scimType } : {}),
    detail: failure.detail,
  }
}
