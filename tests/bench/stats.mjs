// Small numeric helpers shared by the benchmark modules.

/** Value at quantile q (0..1) of an ascending-sorted array, nearest-rank; null when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** Median of an unsorted array (mean of the two middle values for an even length). */
export function median(values) {
  const s = values.filter((v) => v != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const min = (values) => (values.length ? Math.min(...values) : null);
export const max = (values) => (values.length ? Math.max(...values) : null);

export const round = (v, digits = 1) => (v == null ? null : Number(v.toFixed(digits)));
