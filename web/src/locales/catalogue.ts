// A language's message catalogue is one JSON file per domain (locales/<lang>/<domain>.json),
// merged here. Each file owns its top-level keys (orgs.json: "orgs"; orgWork.json: "officers",
// "pairings", "teams"), so a new domain adds its own two files and edits no shared one.

/** Nested messages, as vue-i18n takes them. */
export interface Messages {
  [key: string]: Messages | string
}

/**
 * Merges the domain files (path -> contents, as import.meta.glob returns them) into one catalogue.
 * Throws when two files define the same top-level key: one would silently hide the other.
 */
export function mergeDomains(files: Record<string, Messages>): Messages {
  const merged: Messages = {}
  const owner: Record<string, string> = {}
  for (const [path, messages] of Object.entries(files)) {
    for (const [key, value] of Object.entries(messages)) {
      if (key in owner) throw new Error(`locale key "${key}" is defined in both ${owner[key]} and ${path}`)
      owner[key] = path
      merged[key] = value
    }
  }
  return merged
}
