/* Offsets: the server counts Unicode code points (as Python string indexes do); the DOM
 * counts UTF-16 code units. Every conversion goes through cpToUnit and unitToCp, so an
 * emoji before a selection cannot shift the passage. */

/** The UTF-16 offset in `text` of the code point offset `codePoints`. */
export function cpToUnit(text, codePoints) {
  let unit = 0;
  for (let i = 0; i < codePoints && unit < text.length; i++) {
    unit += text.codePointAt(unit) > 0xffff ? 2 : 1;
  }
  return unit;
}

/** The code point offset in `text` of the UTF-16 offset `units`. */
export function unitToCp(text, units) {
  let codePoints = 0;
  for (let unit = 0; unit < units && unit < text.length; codePoints++) {
    unit += text.codePointAt(unit) > 0xffff ? 2 : 1;
  }
  return codePoints;
}

/** A start offset (UTF-16) moved forward past white space. */
export function trimStart(text, unit) {
  while (unit < text.length && /\s/.test(text[unit])) unit++;
  return unit;
}

/** An end offset (UTF-16, exclusive) moved back past white space. */
export function trimEnd(text, unit) {
  while (unit > 0 && /\s/.test(text[unit - 1])) unit--;
  return unit;
}
