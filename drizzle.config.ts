// drizzle-kit: generates the SQL migrations in drizzle/ from the schema (npm run db:generate).
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/index.ts',
  out: './drizzle',
})
