// The first-admin setup page the start-up link opens: a plain form, no script, no external assets.
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { html } from 'hono/html'
import { SetupRequest } from '../../shared/api/admin.ts'
import type { AppEnv } from '../app-env.ts'
import { completeSetup } from '../domain/organisations.ts'
import { describeZodError } from '../middleware/validate.ts'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}input{width:100%;padding:.5rem;border:1px solid #9ca3af;border-radius:.375rem;box-sizing:border-box}
button{margin-top:1.25rem;padding:.6rem 1.2rem;border:0;border-radius:.375rem;background:#1d4ed8;color:#fff;font-weight:600}
.error{background:#fee2e2;padding:.75rem;border-radius:.375rem}.ok{background:#dcfce7;padding:.75rem;border-radius:.375rem}`

function page(body: ReturnType<typeof html>) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Consentry setup</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <h1>Consentry</h1>
        ${body}
      </body>
    </html>`
}

function form(token: string, error: string | null, email = '', name = '') {
  return page(
    html`<p>Create the first administrator (owner) of this organisation.</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/setup">
        <input type="hidden" name="token" value="${token}" />
        <label for="email">Email</label
        ><input id="email" name="email" type="email" required value="${email}" />
        <label for="name">Name</label><input id="name" name="name" required value="${name}" />
        <label for="password">Password (12 characters or more)</label>
        <input id="password" name="password" type="password" minlength="12" required />
        <button type="submit">Create owner account</button>
      </form>`
  )
}

export const setupPage = new Hono<AppEnv>()
  .use(csrf())
  .get('/', (c) => c.html(form(c.req.query('token') ?? '', null)))
  .post('/', async (c) => {
    const body = await c.req.parseBody()
    const input = SetupRequest.safeParse({
      token: body.token,
      email: body.email,
      name: body.name,
      password: body.password,
    })
    const email = typeof body.email === 'string' ? body.email : ''
    const name = typeof body.name === 'string' ? body.name : ''
    const token = typeof body.token === 'string' ? body.token : ''
    if (!input.success) return c.html(form(token, describeZodError(input.error), email, name), 400)
    const result = await completeSetup(c.var.deps.db, input.data, c.var.deps.clock())
    if (!result.ok) {
      const message =
        result.reason === 'email_taken'
          ? 'An admin with this email exists.'
          : 'This setup link is invalid, used or expired. Restart the server for a new one.'
      return c.html(form(token, message, email, name), 400)
    }
    return c.html(
      page(
        html`<p class="ok" role="status">
          Owner account created for ${input.data.email}. You can now sign in.
        </p>`
      ),
      201
    )
  })
