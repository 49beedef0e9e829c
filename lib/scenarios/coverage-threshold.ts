/** `--coverage-threshold`: which coverage metric must reach which percentage (light: no engine). */
export const METRICS = ['statements', 'clauses', 'values', 'regions'] as const;
export type Metric = (typeof METRICS)[number];

export interface Threshold {
  metric: Metric;
  /** Percent, 0–100. */
  minimum: number;
}

/**
 * `--coverage-threshold`: a percentage of condition values (`80`), or metrics with theirs
 * (`values=80,statements=100`; metrics: statements, clauses, values, regions). A string: the error.
 */
export function parseThresholds(text: string): Threshold[] | string {
  const out: Threshold[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(?:([a-z]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*%?\s*$/.exec(part);
    const metric = (m?.[1] ?? 'values') as Metric;
    const minimum = Number(m?.[2]);
    if (!m || !METRICS.includes(metric) || !(minimum >= 0 && minimum <= 100))
      return `"${part.trim()}" is not a threshold: give a percentage of condition values (80) or METRIC=PERCENT, with METRIC one of ${METRICS.join(', ')}`;
    if (out.some((t) => t.metric === metric)) return `${metric} is given twice`;
    out.push({ metric, minimum });
  }
  return out;
}
