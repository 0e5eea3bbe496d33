#!/usr/bin/env node
// Entry for `npx consentry`: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../cli.ts')
