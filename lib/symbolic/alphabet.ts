/**
 * The alphabet of one string variable, abstracted to finitely many character classes (design
 * note §4.1): each code point that a pattern names literally is a class of its own; for every
 * lower-cased code point an `…IgnoreCase` literal names, the other code points that lower-case to
 * it form one class; every remaining code point falls into one "other" class. Two characters of a
 * class are treated alike by every token of every pattern, so a string's fate depends only on its
 * sequence of classes. A domain (e.g. RoleSessionName's `[\w+=,.@-]`) drops the characters outside
 * it from every class.
 *
 * Case folding is the simulator's: `String.prototype.toLowerCase` of the whole value. It is per
 * code point except for U+0130 (lower-cases to `i` + U+0307) and final sigma; a literal holding
 * U+0307, `σ` or `ς` is refused (`FoldUnsupported`), so that every other value folds per code
 * point (corner case C3 of the note).
 */

/** A compiled pattern token: a literal code point, its IgnoreCase fold, or a wildcard. */
export const ONE = -1;
export const STAR = -2;
/** `?` and `*` inside the first five fields of an ARN pattern: they never match `:`. */
export const ONE_NO_COLON = -3;
export const STAR_NO_COLON = -4;
/** Added to a lower-cased code point: "any code point that lower-cases to it". */
export const FOLD = 0x200000;
export const COLON = 58;

/** The code points IgnoreCase cannot model per code point (C3). */
const FOLD_UNSUPPORTED = new Set([0x307, 0x3c3, 0x3c2]);

export class FoldUnsupported extends Error {}

/** Characters witnesses prefer, best first: names look like names. */
const PREFERENCE = 'abcdefghijklmnopqrstuvwxyz0123456789-_.ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function preferenceRank(cp: number): number {
  const i = cp < 128 ? PREFERENCE.indexOf(String.fromCharCode(cp)) : -1;
  return i >= 0 ? i : 1000 + cp;
}

function lower(cp: number): number {
  const l = String.fromCodePoint(cp).toLowerCase();
  const c = l.codePointAt(0) as number;
  // Several code points (only U+0130): never one literal's fold.
  return l.length === String.fromCodePoint(c).length ? c : -1;
}

let preimages: Map<number, number[]> | undefined;
/**
 * Every code point whose lower case is another single code point, by that lower case. Built once,
 * on first need (an IgnoreCase literal whose upper and lower forms are both literals elsewhere):
 * cased characters end in the Adlam block (U+1E900–U+1E95F), below U+20000.
 */
function preimageTable(): Map<number, number[]> {
  if (!preimages) {
    preimages = new Map();
    for (let cp = 0; cp < 0x20000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const l = lower(cp);
      if (l >= 0 && l !== cp) {
        const list = preimages.get(l);
        if (list) list.push(cp);
        else preimages.set(l, [cp]);
      }
    }
  }
  return preimages;
}

export interface Domain {
  /** Characters allowed in a value (undefined: any code point). */
  chars?: (cp: number) => boolean;
  minLength: number;
  maxLength: number;
}

export const ANY_STRING: Domain = { minLength: 0, maxLength: Infinity };
export const NON_EMPTY: Domain = { minLength: 1, maxLength: Infinity };

/** `[\w+=,.@-]`, the characters of a RoleSessionName and a source identity (§1.2, §3.3). */
export function sessionChar(cp: number): boolean {
  return (
    (cp >= 48 && cp <= 57) ||
    (cp >= 65 && cp <= 90) ||
    (cp >= 97 && cp <= 122) ||
    cp === 95 ||
    cp === 43 ||
    cp === 61 ||
    cp === 44 ||
    cp === 46 ||
    cp === 64 ||
    cp === 45
  );
}

export const SESSION_NAME: Domain = { chars: sessionChar, minLength: 2, maxLength: 64 };

export class Alphabet {
  /** A representative code point per class, in preference order of the class ids. */
  readonly reps: number[] = [];
  private readonly literalClass = new Map<number, number>();
  private readonly foldClass = new Map<number, number>();
  private otherClass = -1;
  private readonly allowed: (cp: number) => boolean;

  /** `literals`: code points named case-sensitively; `folds`: lower-cased IgnoreCase ones. */
  constructor(literals: Iterable<number>, folds: Iterable<number>, domain: Domain) {
    this.allowed = domain.chars ?? (() => true);
    const lits = new Set(literals);
    const fs = new Set(folds);
    for (const f of fs) if (FOLD_UNSUPPORTED.has(f)) throw new FoldUnsupported(String(f));
    this.lits = lits;
    this.folds = fs;
    const found: Array<{ rep: number; kind: 'lit' | 'fold' | 'other'; of: number }> = [];
    for (const c of lits) if (this.allowed(c)) found.push({ rep: c, kind: 'lit', of: c });
    for (const f of fs) {
      const rep = this.foldRep(f);
      if (rep !== undefined) found.push({ rep, kind: 'fold', of: f });
    }
    const other = this.otherRep();
    if (other !== undefined) found.push({ rep: other, kind: 'other', of: -1 });
    found.sort((a, b) => preferenceRank(a.rep) - preferenceRank(b.rep));
    found.forEach((c, id) => {
      this.reps.push(c.rep);
      if (c.kind === 'lit') this.literalClass.set(c.of, id);
      else if (c.kind === 'fold') this.foldClass.set(c.of, id);
      else this.otherClass = id;
    });
  }

  private readonly lits: Set<number>;
  private readonly folds: Set<number>;

  get size(): number {
    return this.reps.length;
  }

  private readonly known = new Map<number, number>();
  /** The classes of ASCII code points (-2: not worked out yet; `classOf` works them out). */
  readonly ascii = new Int32Array(128).fill(-2);

  /** The class of a code point, or -1 when the domain excludes it (remembered per code point). */
  classOf(cp: number): number {
    if (cp < 128) {
      const a = this.ascii[cp] as number;
      if (a !== -2) return a;
      return (this.ascii[cp] = this.work(cp));
    }
    let c = this.known.get(cp);
    if (c === undefined) {
      c = this.work(cp);
      if (this.known.size < 65536) this.known.set(cp, c);
    }
    return c;
  }

  private work(cp: number): number {
    if (!this.allowed(cp)) return -1;
    const lit = this.literalClass.get(cp);
    if (lit !== undefined) return lit;
    const fold = this.foldClass.get(lower(cp));
    return fold !== undefined ? fold : this.otherClass;
  }

  /** The class of a code point a pattern names case-sensitively, or -1 when the domain excludes it. */
  literal(cp: number): number {
    return this.literalClass.get(cp) ?? -1;
  }

  /** The classes a token matches at one position (`?`/`*`: everything, `:` aside for ARN fields). */
  tokenClasses(token: number): number[] | { except: number } {
    if (token === ONE || token === STAR) return { except: -1 };
    if (token === ONE_NO_COLON || token === STAR_NO_COLON)
      return { except: this.literalClass.get(COLON) ?? -1 };
    if (token < FOLD) {
      const c = this.literalClass.get(token);
      return c === undefined ? [] : [c];
    }
    const f = token - FOLD;
    const out: number[] = [];
    for (const [cp, id] of this.literalClass) if (lower(cp) === f) out.push(id);
    const fc = this.foldClass.get(f);
    if (fc !== undefined) out.push(fc);
    return out;
  }

  /** A code point outside the literals that lower-cases to `f`, in the domain. */
  private foldRep(f: number): number | undefined {
    const ok = (cp: number): boolean => !this.lits.has(cp) && this.allowed(cp) && lower(cp) === f;
    if (ok(f)) return f;
    const up = String.fromCodePoint(f).toUpperCase();
    const u = up.codePointAt(0) as number;
    if (up.length === String.fromCodePoint(u).length && ok(u)) return u;
    return (preimageTable().get(f) ?? []).find(ok);
  }

  /** A code point of no literal and no fold, in the domain (the preferred one first). */
  private otherRep(): number | undefined {
    const ok = (cp: number): boolean => {
      if (this.lits.has(cp) || !this.allowed(cp)) return false;
      const l = lower(cp);
      return l < 0 || !this.folds.has(l);
    };
    for (let i = 0; i < PREFERENCE.length; i++) {
      const cp = PREFERENCE.charCodeAt(i);
      if (ok(cp)) return cp;
    }
    // Past the preferred ones: printable code points in order (a domain may leave none).
    const limit = this.lits.size + this.folds.size + 0x3000;
    for (let cp = 0x21; cp < limit; cp++) if (ok(cp)) return cp;
    return undefined;
  }
}
