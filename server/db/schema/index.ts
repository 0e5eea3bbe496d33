// The drizzle schema registry: every table, grouped by domain in the files beside this one.
export * from './organisations.ts'
export * from './admins.ts'
export * from './people.ts'
export * from './devices.ts'
export * from './inventory.ts'
export * from './events.ts'
export * from './policy.ts'
export * from './audit.ts'
