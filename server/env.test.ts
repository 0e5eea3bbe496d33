// Configuration is validated at start and a bad variable is named in the error.
import { describe, expect, it } from 'vitest'
import { EnvError, parseEnv } from './env.ts'

describe('parseEnv', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({ PORT: 8787, DATA_DIR: './data', TRUST_PROXY: false })
    expect(env.DATABASE_URL).toBeUndefined()
  })

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY/],
  ])('names the bad variable in %o', (env, message) => {
    expect(() => parseEnv(env)).toThrow(EnvError)
    expect(() => parseEnv(env)).toThrow(message)
  })
})
