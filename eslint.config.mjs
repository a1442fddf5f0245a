import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.data/', 'node_modules/', 'contract/herald-api.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Rules that need the types: a promise nobody waits for, handed where nothing waits, a switch
  // over a union that forgets a member; and no import cycle between modules.
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'import-x/no-cycle': 'error',
    },
  },
  // Raw SQL in src runs through src/database/sql.ts (sql, sqlOne, sqlCount, sqlOf), a row interface
  // per query: TypeORM's `.query()` answers `any`, and `[rows, count]` for an UPDATE or a DELETE.
  // A pg client's own `query` (an import's COPY and BEGIN, a LISTEN) is the driver's, not TypeORM's.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/database/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='query']:not([callee.object.name='client']):not([callee.object.property.name='listener'])",
          message: 'Run SQL through sql/sqlOne/sqlCount from src/database/sql.ts with a row interface: .query() answers any.',
        },
      ],
    },
  },
  // SQL lives in repositories (`*.repository.ts`): a service, a job or a sweep orchestrates and
  // runs no statement itself. `sqlOf` (a transaction's manager as a `Sql`) and the `Sql` type stay
  // open to them: handing a transaction to a repository that joins it is orchestration.
  {
    files: ['src/**/*.service.ts', 'src/**/*.job.ts', 'src/**/*.sweep.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/database/sql'],
              importNames: ['sql', 'sqlOne', 'sqlCount', 'sqlOfClient'],
              message: 'Put the statement in a repository (*.repository.ts), a method named for what it does, and call that.',
            },
            {
              group: ['**/database/prepared-statement'],
              message: 'Put the statement in a repository (*.repository.ts), a method named for what it does, and call that.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // The console's scripts run in the browser, as classic scripts.
  { files: ['src/console/assets/*.js'], languageOptions: { globals: globals.browser, sourceType: 'script' } },
);
