// Installed browser extensions that are AI tools (only with the optional "management" permission).
import type { Management } from 'webextension-polyfill'
import type { DeviceEventInput } from '../../shared/api/events.ts'
import { findAiToolByExtensionId } from '../../shared/catalog/find-ai-tool.ts'

/** ai_extension events for the AI tools' extensions among `installed` (catalog ids only, no guessing). */
export function aiExtensionEvents(
  installed: Management.ExtensionInfo[],
  at: number,
  newId: () => string
): DeviceEventInput[] {
  return installed
    .filter((ext) => findAiToolByExtensionId(ext.id) !== null)
    .map((ext) => ({
      id: newId(),
      type: 'ai_extension' as const,
      occurredAt: new Date(at).toISOString(),
      extensionId: ext.id,
      name: ext.name.slice(0, 200),
      permissions: (ext.permissions ?? []).slice(0, 200),
      hostPermissions: (ext.hostPermissions ?? []).slice(0, 500),
      enabled: ext.enabled,
    }))
}

/** A fingerprint of what was reported, so unchanged inventories are not sent again. */
export function fingerprint(events: DeviceEventInput[]): string {
  return JSON.stringify(
    events
      .map((e) =>
        e.type === 'ai_extension'
          ? [e.extensionId, e.enabled, e.permissions, e.hostPermissions]
          : null
      )
      .sort()
  )
}
