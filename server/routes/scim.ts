// SCIM 2.0 service provider (RFC 7643/7644) at /scim/v2 for Okta and Microsoft Entra ID: an
// organisation's IdP provisions, updates and deprovisions its people with a SCIM bearer token.
// Every answer is application/scim+json; every failure is a SCIM Error (RFC 7644 §3.12).
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { validator } from 'hono/validator'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { authenticateScimToken } from '../domain/feeds.ts'
import {
  resourceTypes,
  schemasList,
  serviceProviderConfig,
  userResourceType,
  userSchemas,
} from '../domain/scim/scim-discovery.ts'
import {
  badRequest,
  fail,
  scimErrorBody,
  type ScimErrorType,
  type ScimFailure,
  type ScimResult,
} from '../domain/scim/scim-errors.ts'
import { parseScimFilter } from '../domain/scim/scim-filter.ts'
import { PatchOpBody } from '../domain/scim/scim-patch.ts'
import {
  createScimUser,
  deleteScimUser,
  patchScimUser,
  replaceScimUser,
} from '../domain/scim/scim-provisioning.ts'
import { getScimUser, listScimUsers, type ScimContext } from '../domain/scim/scim-user-query.ts'
import { ScimUserBody } from '../domain/scim/scim-user.ts'
import { describeZodError } from '../middleware/validate.ts'

type ScimEnv = {
  Variables: AppEnv['Variables'] & { scim: { orgId: string; tokenId: string } }
}

const SCIM_JSON = 'application/scim+json; charset=utf-8'
const MAX_BODY_BYTES = 256 * 1024

const send = (c: Context, body: unknown, status: 200 | 201 = 200) =>
  c.json(body, status, { 'Content-Type': SCIM_JSON })
const sendError = (c: Context, failure: ScimFailure) =>
  c.json(scimErrorBody(failure), failure.status, { 'Content-Type': SCIM_JSON })
const reply = <T>(c: Context, result: ScimResult<T>, status: 200 | 201 = 200) =>
  result.ok ? send(c, result.value, status) : sendError(c, result)

const baseUrl = (c: Context<ScimEnv>) => `${c.var.deps.publicUrl.replace(/\/+$/, '')}/scim/v2`
const scimContext = (c: Context<ScimEnv>): ScimContext => ({
  db: c.var.deps.db,
  orgId: c.var.scim.orgId,
  tokenId: c.var.scim.tokenId,
  now: c.var.deps.clock(),
  usersUrl: `${baseUrl(c)}/Users`,
})

/** Authorization: Bearer <SCIM token>: the organisation every request of the IdP acts on. */
const requireScimToken = createMiddleware<ScimEnv>(async (c, next) => {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(c.req.header('authorization') ?? '')
  const caller = match?.[1] ? await authenticateScimToken(c.var.deps.db, match[1]) : null
  if (!caller) {
    c.header('WWW-Authenticate', 'Bearer realm="Consentry SCIM"')
    return sendError(c, fail(401, undefined, 'A valid, unrevoked SCIM bearer token is required'))
  }
  c.set('scim', caller)
  await next()
})

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i

/** A JSON body (application/scim+json or application/json) checked with a zod schema. */
function scimBody<T extends z.ZodType>(schema: T, scimType: ScimErrorType) {
  return validator('json', async (value, c) => {
    const media = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? ''
    let body: unknown = value
    if (!JSON_MEDIA.test(media)) {
      // Hono parsed only application/*json; take text/json or a missing type too, nothing else.
      if (media && !/json/i.test(media))
        return sendError(c, fail(415, undefined, 'Send application/scim+json or application/json'))
      try {
        body = JSON.parse(await c.req.text())
      } catch {
        return sendError(c, badRequest('invalidSyntax', 'The request body is not valid JSON'))
      }
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return sendError(c, badRequest('invalidSyntax', 'The request body must be a JSON object'))
    const parsed = schema.safeParse(body)
    if (!parsed.success) return sendError(c, badRequest(scimType, describeZodError(parsed.error)))
    return parsed.data as z.output<T>
  })
}

const ListUsersQuery = z.object({
  filter: z
    .string()
    .transform((text, ctx) => {
      const parsed = parseScimFilter(text)
      if (parsed.ok) return parsed.value
      ctx.addIssue({ code: 'custom', message: parsed.detail })
      return z.NEVER
    })
    .optional(),
  // Okta and Entra page with startIndex (1-based) and count; nonsense values fall back.
  startIndex: z.coerce.number().int().optional().catch(undefined),
  count: z.coerce.number().int().optional().catch(undefined),
})

const listQuery = validator('query', (value, c) => {
  const parsed = ListUsersQuery.safeParse(value)
  if (!parsed.success)
    return sendError(c, badRequest('invalidFilter', parsed.error.issues[0]?.message ?? 'filter'))
  return parsed.data
})

function onScimError(err: Error, c: Context<ScimEnv>) {
  // Hono's JSON validator throws this for a body that does not parse.
  if (err instanceof HTTPException && err.status === 400)
    return sendError(c, badRequest('invalidSyntax', err.message || 'Malformed request'))
  c.var.deps?.log.error('unhandled error', {
    requestId: c.var.requestId,
    path: c.req.path,
    error: err.stack ?? String(err),
  })
  return sendError(c, fail(500, undefined, `Internal error (request ${c.var.requestId})`))
}

export const scim = new Hono<ScimEnv>()
  .use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        sendError(c, fail(413, undefined, `A body may be at most ${MAX_BODY_BYTES} bytes`)),
    })
  )
  .use(requireScimToken)
  .get('/ServiceProviderConfig', (c) => send(c, serviceProviderConfig(baseUrl(c))))
  .get('/ResourceTypes', (c) => send(c, resourceTypes(baseUrl(c))))
  .get('/ResourceTypes/User', (c) => send(c, userResourceType(baseUrl(c))))
  .get('/Schemas', (c) => send(c, schemasList(baseUrl(c))))
  .get('/Schemas/:id', (c) => {
    const id = c.req.param('id').toLowerCase()
    const found = userSchemas(baseUrl(c)).find((s) => s.id.toLowerCase() === id)
    return found ? send(c, found) : sendError(c, fail(404, undefined, `No schema ${id}`))
  })
  .get('/Users', listQuery, async (c) =>
    reply(c, await listScimUsers(scimContext(c), c.req.valid('query')))
  )
  .post('/Users', scimBody(ScimUserBody, 'invalidValue'), async (c) => {
    const result = await createScimUser(scimContext(c), c.req.valid('json'))
    if (result.ok) c.header('Location', result.value.meta.location)
    return reply(c, result, 201)
  })
  .get('/Users/:id', async (c) => reply(c, await getScimUser(scimContext(c), c.req.param('id'))))
  .put('/Users/:id', scimBody(ScimUserBody, 'invalidValue'), async (c) =>
    reply(c, await replaceScimUser(scimContext(c), c.req.param('id'), c.req.valid('json')))
  )
  .patch('/Users/:id', scimBody(PatchOpBody, 'invalidSyntax'), async (c) =>
    reply(c, await patchScimUser(scimContext(c), c.req.param('id'), c.req.valid('json')))
  )
  .delete('/Users/:id', async (c) => {
    const result = await deleteScimUser(scimContext(c), c.req.param('id'))
    return result.ok ? c.body(null, 204) : sendError(c, result)
  })
  .all('*', (c) =>
    sendError(c, fail(404, undefined, `No SCIM endpoint ${c.req.method} ${c.req.path}`))
  )
  .onError(onScimError)
