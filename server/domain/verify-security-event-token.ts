// Verify a Security Event Token (RFC 8417) against the transmitter's keys, issuer and audience,
// and name every refusal with its RFC 8935 error code.
import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { z } from 'zod'
import { KeySetUnavailable } from './ssf-key-sets.ts'

export type SetErrorCode =
  | 'invalid_request'
  | 'invalid_key'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'authentication_failed'
  | 'access_denied'

/** Asymmetric signatures only: a receiver shares no secret with the transmitter. */
export const SET_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]

/** Clock skew allowed for exp, nbf and a future iat. */
export const SET_CLOCK_TOLERANCE_SECONDS = 300

/**
 * How old a SET may be. Transmitters retry for a while, so the window is long; but the ids of
 * received SETs are kept only this long (pruneFeedEvents), so an older SET could be a replay.
 */
export const SET_MAX_AGE_SECONDS = 30 * 86_400

export const SetClaims = z.looseObject({
  iss: z.string(),
  jti: z.string().min(1).max(256),
  iat: z.number(),
  events: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .refine((events) => Object.keys(events).length > 0, 'a SET carries at least one event'),
  sub_id: z.unknown().optional(),
})
export type SetClaims = z.infer<typeof SetClaims>

export type VerifySetResult =
  | { ok: true; claims: SetClaims }
  | { ok: false; err: SetErrorCode; description: string }
  | { ok: false; err: 'keys_unavailable'; description: string }

const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/

export async function verifySecurityEventToken(
  token: string,
  getKey: JWTVerifyGetKey,
  expected: { issuer: string; audience: string },
  now: Date
): Promise<VerifySetResult> {
  const jwt = token.trim()
  if (!COMPACT_JWS.test(jwt))
    return fail('invalid_request', 'The body must be a SET in JWS compact serialization')
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(jwt)
  } catch {
    return fail('invalid_request', 'The JWS header is not base64url-encoded JSON')
  }
  if (typeof header.alg !== 'string' || !SET_ALGORITHMS.includes(header.alg))
    return fail(
      'authentication_failed',
      header.alg === 'none'
        ? 'Unsigned SETs (alg "none") are refused'
        : `alg ${JSON.stringify(header.alg)} is not accepted; sign with a key from the JWKS (${SET_ALGORITHMS.join(', ')})`
    )
  if (header.typ !== undefined && !/^(application\/)?secevent\+jwt$/i.test(String(header.typ)))
    return fail('invalid_request', `typ ${JSON.stringify(header.typ)} is not secevent+jwt`)
  let payload: unknown
  try {
    ;({ payload } = await jwtVerify(jwt, getKey, {
      issuer: expected.issuer,
      audience: expected.audience,
      algorithms: SET_ALGORITHMS,
      currentDate: now,
      clockTolerance: SET_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'jti', 'events'],
    }))
  } catch (e) {
    return refusal(e)
  }
  const claims = SetClaims.safeParse(payload)
  if (!claims.success)
    return fail(
      'invalid_request',
      claims.error.issues.map((i) => `${i.path.join('.') || 'SET'}: ${i.message}`).join('; ')
    )
  // jose checks a future iat only with maxTokenAge; SETs may be retried for a long time, so the
  // age may be up to SET_MAX_AGE_SECONDS (jti stops replays within it); a SET from the future is
  // refused.
  if (claims.data.iat > now.getTime() / 1000 + SET_CLOCK_TOLERANCE_SECONDS)
    return fail('invalid_request', 'iat is in the future')
  if (claims.data.iat < now.getTime() / 1000 - SET_MAX_AGE_SECONDS)
    return fail(
      'invalid_request',
      `iat is more than ${SET_MAX_AGE_SECONDS / 86_400} days ago: the event is too old to apply`
    )
  return { ok: true, claims: claims.data }
}

function fail(err: SetErrorCode, description: string): VerifySetResult {
  return { ok: false, err, description }
}

function refusal(e: unknown): VerifySetResult {
  if (e instanceof KeySetUnavailable)
    return { ok: false, err: 'keys_unavailable', description: e.message }
  if (e instanceof errors.JWKSNoMatchingKey)
    return fail('invalid_key', "No key in the transmitter's JWKS matches the SET's kid and alg")
  if (e instanceof errors.JWKSMultipleMatchingKeys)
    return fail('invalid_key', "Several keys in the transmitter's JWKS match: the SET needs a kid")
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return fail('authentication_failed', 'The signature does not verify')
  if (e instanceof errors.JOSEAlgNotAllowed)
    return fail('authentication_failed', 'The signing algorithm is not accepted')
  if (e instanceof errors.JWTExpired) return fail('invalid_request', 'The SET has expired (exp)')
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss')
      return fail('invalid_issuer', 'iss is missing or not the configured transmitter issuer')
    if (e.claim === 'aud')
      return fail('invalid_audience', 'aud is missing or does not contain the configured audience')
    return fail('invalid_request', e.message)
  }
  if (e instanceof errors.JOSEError) return fail('invalid_request', e.message)
  throw e
}
