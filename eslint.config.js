import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of lib/, lowest first: a folder may import from the folders before it, never from
 * those after it (shared/design/architecture.md). Root files (diagnostics.ts, memo.ts, token.ts)
 * sit below every folder; the entries (index.ts, core.ts) and bin/ sit above all of them.
 */
const LAYERS = [
  'policy',
  'conditions',
  'providers',
  'sts',
  'symbolic',
  'aws',
  'sources',
  'explain',
  'scenarios',
  'lint',
  'report',
  'cli',
];

/** `../x/…` or `../../x/…`: an import of folder `x` of lib/ from inside another folder. */
const folderImport = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;

function layerRules(folder, index) {
  const above = LAYERS.slice(index + 1);
  const patterns = [];
  if (above.length > 0) {
    patterns.push({
      regex: folderImport(above),
      message: `lib/${folder} sits below ${above.join(', ')}: it may not import them (see the LAYERS in eslint.config.js).`,
    });
  }
  if (folder === 'conditions') {
    // The condition engine reads the policy model's types; the parser's code stays out of it.
    patterns.push({
      regex: folderImport(['policy']),
      allowTypeImports: true,
      message: 'lib/conditions may import only types from lib/policy.',
    });
  }
  return {
    files: [`lib/${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tap/**',
      'bench/.corpus/**',
      // Ajv's generated code (scripts/generate-validators.mjs).
      'lib/scenarios/validators.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-shadow': 'off',
      // tap's nested tests all take their own `t`.
      '@typescript-eslint/no-shadow': ['error', { ignoreTypeValueShadow: true, allow: ['t'] }],
    },
  },
  ...LAYERS.map(layerRules),
  {
    // A function a reader can hold in mind: about a screen and a half.
    files: ['lib/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Root files sit below every folder.
    files: ['lib/*.ts'],
    ignores: ['lib/index.ts', 'lib/core.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\./(${LAYERS.join('|')})/`,
              message: 'the root files of lib/ sit below every folder: they may not import one.',
            },
          ],
        },
      ],
    },
  },
);
