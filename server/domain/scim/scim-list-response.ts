// The SCIM ListResponse (RFC 7644 §3.4.2): every query answer, even an empty one.
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

export function listResponse<T>(resources: T[], totalResults: number, startIndex = 1) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  }
}
