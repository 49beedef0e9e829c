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
    for (let i = 0; i < b.length; i++) if (b[i] === 0n) return true;
    return false;
  }

  static intersect(a: Box, b: Box): Box | undefined {
    // Variable by variable, stopping at the first empty one (loops, no closure: boxes are
    // intersected pairwise, mostly to find them disjoint).
    const out: bigint[] = [];
    for (let i = 0; i < a.length; i++) {
      const m = (a[i] as bigint) & (b[i] as bigint);
      if (m === 0n) return undefined;
      out.push(m);
    }
    return out;
  }

  /** Do two boxes share a cell? */
  static meet(a: Box, b: Box): boolean {
    for (let i = 0; i < a.length; i++)
      if (((a[i] as bigint) & (b[i] as bigint)) === 0n) return false;
    return true;
  }

  /** a ∖ b as disjoint boxes. */
  subtract(a: Box, b: Box): Box[] {
    if (!Boxes.meet(a, b)) return [a];
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
    for (let j = 0; j < b.length; j++) {
      const cut = b[j] as Box;
      let next: Box[] | undefined;
      for (let i = 0; i < current.length; i++) {
        const box = current[i] as Box;
        if (!Boxes.meet(box, cut)) {
          next?.push(box);
          continue;
        }
        // The boxes before this one are kept as they are.
        next ??= current.slice(0, i);
        const pieces = this.subtract(box, cut);
        for (let k = 0; k < pieces.length; k++) next.push(pieces[k] as Box);
      }
      if (next) current = next;
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
    for (let i = 0; i < a.length; i++) {
      for (let j = 0; j < b.length; j++) {
        const z = Boxes.intersect(a[i] as Box, b[j] as Box);
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
