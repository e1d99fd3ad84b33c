// Printing helpers shared by the bench's reports (run.mjs, opencom.mjs).

export const KB = 1024;
export const MB = 1024 * 1024;

export const fmtBytes = (v) => (v == null ? '–' : v < KB ? `${v} B` : v < MB ? `${(v / KB).toFixed(1)} KB` : `${(v / MB).toFixed(2)} MB`);
export const fmtMs = (v) => (v == null ? '–' : `${v.toFixed(1)} ms`);

/** Prints rows as columns; the first row is the header, numeric-looking cells are right-aligned. */
export function table(rows, rightAligned = []) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (rightAligned.includes(i) ? String(c ?? '').padStart(widths[i]) : String(c ?? '').padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}
