// @ts-check
// Text and colours on the report page. Times read as the CLI writes them
// (formatTime, formatDuration in src/kernel/time.ts); a node has the same colour
// slot as in the terminal (nodeColour in src/report/format.ts).

/**
 * True time with six decimals: `12.345678s`.
 * @param {number} t
 */
export function seconds(t) {
  const sign = t < 0 ? '-' : '';
  const a = Math.abs(t);
  return sign + Math.floor(a / 1e6) + '.' + String(a % 1e6).padStart(6, '0') + 's';
}

/**
 * A short duration: `250ms`, `1.5s`, `40µs`.
 * @param {number} d
 */
export function duration(d) {
  const a = Math.abs(d);
  if (a >= 1e6) return +(d / 1e6).toFixed(3) + 's';
  if (a >= 1e3) return +(d / 1e3).toFixed(3) + 'ms';
  return d + 'µs';
}

/**
 * JSON cut to `max` characters.
 * @param {unknown} v
 * @param {number} max
 */
export function compact(v, max) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/**
 * What a message is, for filters and labels: its `op`, `type` or `kind`.
 * @param {unknown} msg
 */
export function messageType(msg) {
  if (msg && typeof msg === 'object') {
    const m = /** @type {{ op?: unknown, type?: unknown, kind?: unknown }} */ (msg);
    return String(m.op ?? m.type ?? m.kind ?? 'message');
  }
  return typeof msg;
}

const PALETTE = ['#0e7490', '#a21caf', '#b45309', '#15803d', '#1d4ed8', '#be123c', '#0891b2', '#9333ea', '#a16207', '#16a34a', '#2563eb'];

/** @param {string} text */
function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

/** @param {string} node */
export function nodeColour(node) {
  return /** @type {string} */ (PALETTE[hash(node) % PALETTE.length]);
}

/**
 * A pale background for an annotated value: equal values, equal colours.
 * @param {string} text
 */
export function valueColour(text) {
  return 'hsl(' + (hash(text) % 360) + ', 70%, 88%)';
}
