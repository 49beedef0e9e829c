/**
 * Booleans for `Bool` and `Null` (§5.2, §5.4): `"true"` / `"false"`, accepted in any letter case
 * (a JSON `true` is stringified to `"true"` by the parser).
 */
export function parseBool(s: string): boolean | undefined {
  if (s.length === 4 && s.toLowerCase() === 'true') return true;
  if (s.length === 5 && s.toLowerCase() === 'false') return false;
  return undefined;
}
