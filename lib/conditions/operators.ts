/** Compatibility re-export: the operator grammar lives with the policy parser (lib/policy/operators.ts). */
export * from '../policy/operators.js';
