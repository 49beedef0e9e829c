/** Types of scripts/tap-count.mjs, for its test. */
export interface TapCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** What tap's own summary counts: every point of tap-parser's top-level `result` event. */
  tapTotal: number;
  /** Closing points of subtests that tap's total takes in, by why. */
  closingCounted: { hash: number; other: number };
  /** 1 if the file failed without a failed point (its one failure is counted in `failed`). */
  incomplete: number;
}
export declare function countTap(text: string): TapCounts;
export declare function sumCounts(files: TapCounts[]): TapCounts;
export declare function closingLines(
  sum: TapCounts,
  run: { files: number; status: number },
): string[];
