/** Types of scripts/generate-validators.mjs, for the test that keeps its output in sync. */
export declare const VALIDATORS_PATH: string;
export declare const AJV_OPTIONS: {
  allErrors: boolean;
  verbose: boolean;
  allowUnionTypes: boolean;
  strict: boolean;
};
export declare function validatorsSource(schema: Record<string, unknown>): string;
