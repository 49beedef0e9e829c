/**
 * `trustspec/core`: the pure simulator — parse a trust policy, compile it once, simulate or decide
 * AssumeRoleWithWebIdentity requests against it. Importing it loads no scenario files, JSON
 * Schema, globbing or command line (test/core-graph.test.ts checks the module graph).
 */
export type * from './diagnostics.js';
export type * from './policy/model.js';
export { parsePolicy } from './policy/parse.js';
export type * from './policy/parse.js';
export { compilePolicy } from './sts/compile.js';
export type * from './sts/compile.js';
export { simulate, decide, ASSUME_ACTION } from './sts/simulate.js';
export type * from './sts/types.js';
export type * from './conditions/trace.js';
export type * from './conditions/context.js';
export type * from './providers/types.js';
