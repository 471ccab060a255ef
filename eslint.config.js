// Lint: typescript-eslint's recommended rules, plus the layering of DESIGN.md as import
// bans: core does no I/O and reads no process or clock; ca knows no HTTP, SQL or files.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ban = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'data/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setImmediate: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ban(['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:os', 'node:process', 'fastify', 'better-sqlite3', 'pg', 'pino'], 'core is pure: no I/O (DESIGN.md)') }],
      'no-restricted-globals': ['error', { name: 'process', message: 'core reads no process state' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'core reads no clock: take `now`' }, { object: 'Math', property: 'random', message: 'core draws no randomness: take it as input' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core reads no clock: take `now`' }],
    },
  },
  {
    files: ['packages/ca/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ban(['node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'fastify', 'better-sqlite3', 'pg', '@fleetpki/store', '@fleetpki/server', '@fleetpki/keys'], 'ca talks to the world only through its ports (DESIGN.md)') }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use the Clock port' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use the Clock port' }],
    },
  },
);
