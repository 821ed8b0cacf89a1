/* The annotation form's values: tags typed as text, suggestions, and what an edit changed. */

/** Tag names from the field's text: separated by commas, trimmed, none empty. */
export function splitTags(value) {
  return value
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** Known tags that complete the last tag being typed, leaving out those already chosen. */
export function tagSuggestions(value, known, limit = 8) {
  const parts = value.split(",");
  const typed = parts[parts.length - 1].trim().toLowerCase();
  if (!typed) return [];
  const chosen = new Set(parts.slice(0, -1).map((tag) => tag.trim().toLowerCase()));
  return known
    .filter((tag) => tag.toLowerCase().startsWith(typed) && !chosen.has(tag.toLowerCase()))
    .slice(0, limit);
}

/** The field's text with its last tag completed to `tag`, ready for the next one. */
export function completeTag(value, tag) {
  const parts = value.split(",");
  parts[parts.length - 1] = ` ${tag}`;
  return `${parts.join(",").replace(/^ /, "")}, `;
}

/** The fields whose values differ from those the form opened with. An edit sends only
 * these, so that it cannot undo a change made meanwhile elsewhere to another field. */
export function changedFields(opened, now) {
  return Object.fromEntries(
    Object.entries(now).filter(
      ([field, value]) => JSON.stringify(value) !== JSON.stringify(opened[field]),
    ),
  );
}

/** A new random key (a version 4 UUID) for one new annotation: sent with each save, so that
 * the server makes it once however often the save is repeated. crypto.randomUUID exists
 * only on secure pages; getRandomValues everywhere. */
export function newClientKey(random = globalThis.crypto) {
  if (typeof random.randomUUID === "function") return random.randomUUID();
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
