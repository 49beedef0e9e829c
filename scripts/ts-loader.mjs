/**
 * The TypeScript loader of the test run, in place of tap's ts-node: `.taprc` starts each test
 * process with `--import=./scripts/ts-loader.mjs` in NODE_OPTIONS (so that it comes before tap's
 * coverage hook, which then sees the JavaScript) and turns ts-node off (TAP_TYPE_STRIP_ONLY=1).
 * One file runs without tap too: `node --import=./scripts/ts-loader.mjs test/x.test.ts`.
 * The hooks are in scripts/ts-hooks.mjs.
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);

// A child process started from another folder must find this file too.
const options = process.env['NODE_OPTIONS'];
if (options) {
  process.env['NODE_OPTIONS'] = options.replace(
    /--import=\.\/scripts\/ts-loader\.mjs\b/,
    `--import=${import.meta.url}`,
  );
}
