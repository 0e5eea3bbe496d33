// One call from a raw URL to request plus classification: what the CLI and the server print.
import { classifyConsent } from './classify-consent.ts'
import { parseConsentUrl } from './parse-consent-url.ts'
import type { ConsentClassification, ConsentRequest } from './types.ts'

export type ClassifiedUrl =
  | { consent: false }
  | { consent: true; request: ConsentRequest; classification: ConsentClassification }

export function classifyUrl(url: string): ClassifiedUrl {
  const request = parseConsentUrl(url)
  if (!request) return { consent: false }
  return { consent: true, request, classification: classifyConsent(request) }
}
