// Requests about one person: the fields an admin may set by hand (their GitHub login).
import { z } from 'zod'

/**
 * A GitHub user login: 1-39 letters, digits or single hyphens, neither first nor last
 * (github.com/join's rule). The API cannot find an org member by email, only by this.
 */
export const GITHUB_LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i

export const GithubLogin = z
  .string()
  .trim()
  .regex(
    GITHUB_LOGIN,
    'a GitHub login: up to 39 letters, digits or single hyphens, not at the ends'
  )

/** PATCH /api/v1/people/:id; null clears the login. */
export const UpdatePerson = z.object({ githubLogin: GithubLogin.nullable() }).strict()
export type UpdatePerson = z.infer<typeof UpdatePerson>
