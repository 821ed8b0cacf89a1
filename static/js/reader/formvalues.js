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
