/** Types of scripts/ts-hooks.mjs, for its test. */
export declare function createTranspiler(cacheDir: string): {
  transpile(file: string, source: string): string;
  stats: { cached: number; transpiled: number };
};
interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
export declare function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context: ResolveContext) => Resolved | Promise<Resolved>,
): Promise<Resolved>;
interface Loaded {
  format: string;
  source?: string | Buffer;
  shortCircuit?: boolean;
}
export declare function load(
  url: string,
  context: { format?: string },
  nextLoad: (url: string, context: { format?: string }) => Loaded | Promise<Loaded>,
): Promise<Loaded>;
