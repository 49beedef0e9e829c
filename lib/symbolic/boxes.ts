/**
 * Sets of requests as unions of disjoint boxes (design note §4.3). A box is a product of one
 * region set per variable (bit i of a variable's mask: region i is in); a statement is a box, and
 * every question — allowed set, difference, inclusion — is a boolean combination of boxes. Lists
 * are kept disjoint, so a list is empty exactly when it has no box, and subtraction splits a box
 * variable by variable into at most one piece per variable.
 */
import { Unknown } from './candidates.js';

export type Box = readonly bigint[];
export type BoxList = readonly Box[];

/** Boxes one question may create before its answer is `unknown`. */
export const DEFAULT_BOX_BUDGET = 50_000;

export class Boxes {
  private made = 0;
  /** The mask of every region, per variable. */
  readonly full: readonly bigint[];

  constructor(
    regionCounts: readonly number[],
    private readonly budget = DEFAULT_BOX_BUDGET,
  ) {
    this.full = regionCounts.map((n) => (1n << BigInt(n)) - 1n);
  }

  get universe(): Box {
    return this.full;
  }

  private count(n: number): void {
    this.made += n;
    if (this.made > this.budget) {
      throw new Unknown(`the combinations of conditions exceed ${this.budget} boxes`);
    }
  }

  static isEmpty(b: Box): boolean {
    return b.some((m) => m === 0n);
  }

  static intersect(a: Box, b: Box): Box | undefined {
    const out = a.map((m, i) => m & (b[i] as bigint));
    return Boxes.isEmpty(out) ? undefined : out;
  }

  /** a ∖ b as disjoint boxes. */
  subtract(a: Box, b: Box): Box[] {
    if (!Boxes.intersect(a, b)) return [a];
    const out: Box[] = [];
    const rest = [...a];
    for (let v = 0; v < a.length; v++) {
      const outside = (rest[v] as bigint) & ~(b[v] as bigint);
      if (outside === 0n) continue;
      const piece = [...rest];
      piece[v] = outside;
      out.push(piece);
      rest[v] = (rest[v] as bigint) & (b[v] as bigint);
    }
    this.count(out.length);
    return out;
  }

  /** A ∖ B. */
  difference(a: BoxList, b: BoxList): Box[] {
    let current: Box[] = [...a];
    for (const cut of b) {
      const next: Box[] = [];
      for (const box of current) next.push(...this.subtract(box, cut));
      current = next;
      if (current.length === 0) break;
    }
    return current;
  }

  /** A ∪ B, disjoint. */
  union(a: BoxList, b: BoxList): Box[] {
    return [...a, ...this.difference(b, a)];
  }

  /** The union of boxes that may overlap, made disjoint. */
  unionAll(list: BoxList): Box[] {
    let out: Box[] = [];
    for (const b of list) out = this.union(out, [b]);
    return out;
  }

  /** A ∩ B. */
  intersection(a: BoxList, b: BoxList): Box[] {
    const out: Box[] = [];
    for (const x of a) {
      for (const y of b) {
        const z = Boxes.intersect(x, y);
        if (z) out.push(z);
      }
    }
    this.count(out.length);
    return out;
  }
}

/**
 * Merge boxes that differ in one variable only (their union is then one box), until none do:
 * fewer, larger regions to describe. The union is unchanged.
 */
export function mergeBoxes(list: BoxList, limit = 400): Box[] {
  const out = [...list];
  if (out.length > limit) return out;
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < out.length && !changed; i++) {
      for (let j = i + 1; j < out.length && !changed; j++) {
        const a = out[i] as Box;
        const b = out[j] as Box;
        let diff = -1;
        let mergeable = true;
        for (let v = 0; v < a.length; v++) {
          if (a[v] === b[v]) continue;
          if (diff >= 0) {
            mergeable = false;
            break;
          }
          diff = v;
        }
        if (!mergeable) continue;
        const merged = [...a];
        if (diff >= 0) merged[diff] = (a[diff] as bigint) | (b[diff] as bigint);
        out[i] = merged;
        out.splice(j, 1);
        changed = true;
      }
    }
  }
  return out;
}

/** The indexes of the regions in a mask. */
export function regionsOf(mask: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; mask > 0n; i++, mask >>= 1n) if (mask & 1n) out.push(i);
  return out;
}
