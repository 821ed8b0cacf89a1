// What the upload pages say while they work: plain functions, tested by Node.

const UNITS = ["bytes", "kB", "MB", "GB"];

export function size(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

const NAMED = 3;

// What was chosen: the first few names, how many more, and their size.
export function chosen(files) {
  const list = Array.from(files);
  if (list.length === 0) return "";
  const total = list.reduce((sum, file) => sum + file.size, 0);
  const names = list.slice(0, NAMED).map((file) => file.name).join(", ");
  const more = list.length - NAMED;
  const rest = more > 0 ? ` and ${more} more` : "";
  return `${list.length} file${list.length === 1 ? "" : "s"} (${size(total)}): ${names}${rest}`;
}

// How far the sending has gone, in words for those who cannot see the bar.
export function sending(loaded, total) {
  if (!total) return "Sending…";
  return `Sending: ${percent(loaded, total)}% of ${size(total)}`;
}

// Sending: how far, in percent (0 to 100), of a total that may be unknown.
export function percent(loaded, total) {
  if (!total) return 0;
  return Math.min(100, Math.round((loaded * 100) / total));
}

// Why the upload did not arrive, in words: the server's own reason when it gave one.
export function failure(status, body) {
  if (body && typeof body.error === "string") return body.error;
  if (status === 0) {
    return "The upload was cut off before the server answered: the files may be larger than it takes, or the connection dropped.";
  }
  if (status === 403) {
    return "The server refused the upload: reload the page and try again (you may have been logged out, or may not add articles).";
  }
  return `The server could not take the upload (error ${status}). Nothing was stored.`;
}
