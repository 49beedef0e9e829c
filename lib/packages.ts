/**
 * Packages that cost more to load than most runs use them: each is loaded on its first use, so a
 * program that never reads YAML or globs paths never loads them. (From the library's bundle,
 * loading `yaml` took 35–57 ms and `minimatch` 8–14 ms of a 60–80 ms start.) `yaml` ships
 * CommonJS for Node, so `require` gives the instance an `import 'yaml'` would; `minimatch` ships
 * both forms and is loaded here only. A leaf: it imports only Node's own modules (lib/policy, the
 * bottom layer, uses it).
 */
import { createRequire } from 'node:module';

type YamlPackage = typeof import('yaml');
type MinimatchPackage = typeof import('minimatch');

const load = createRequire(import.meta.url);
let yamlPackage: YamlPackage | undefined;
let minimatchPackage: MinimatchPackage | undefined;

/** The `yaml` package. */
export function yaml(): YamlPackage {
  return (yamlPackage ??= load('yaml') as YamlPackage);
}

/** The `minimatch` package (for finding files only: it is not IAM's wildcard matching). */
export function minimatch(): MinimatchPackage {
  return (minimatchPackage ??= load('minimatch') as MinimatchPackage);
}
