// ESLint (flat config) with typescript-eslint's recommended rules, run by `npm test` via
// `npm run lint`. The compiler already checks types and undefined names (tsconfig is
// strict), so the rules here are the ones tsc does not have. Formatting is Prettier's
// (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'release/**', 'test-artifacts/**', '.vault/**', '.tmp-build-*/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc reports undefined names in TypeScript; the .mjs scripts run on Node, whose globals ESLint does not know without a package we do not ship.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
);
