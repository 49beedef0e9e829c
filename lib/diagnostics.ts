/** Positions and findings shared by every layer. Errors are data (as in Cedar), not exceptions. */

/** A place in a source text. `line` and `column` are 1-based; `offset` is 0-based in UTF-16 units. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * One thing a parser, validator or the simulator noticed. `code` is a stable kebab-case id
 * (e.g. `duplicate-key`, `unknown-operator`); `hint` says what would be right.
 */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  span?: Span;
  hint?: string;
  /** Section of the semantics spec the finding rests on, e.g. "§5.5". */
  spec?: string;
  /**
   * IAM would refuse to store this policy (CreateRole / UpdateAssumeRolePolicy); the simulation
   * still evaluates it, so such an error does not make a parse or compile result not `ok`.
   */
  writeTime?: true;
}

/** True for a finding that stops the simulation: an error that is not a write-time finding. */
export function isBlocking(f: Finding): boolean {
  return f.severity === 'error' && f.writeTime !== true;
}

export const NO_SPAN: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};
