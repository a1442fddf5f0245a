/**
 * `npm run test:properties`: the property tests (every unit and integration spec that uses
 * fast-check) from fresh random seeds, round after round — wider than `npm test`, which runs them
 * from one fixed seed. Stops at the first failure and says how to replay it.
 *
 *   npm run test:properties                  # 5 rounds
 *   npm run test:properties -- --rounds 20   # or TEST_PROPERTY_ROUNDS=20
 *   npm run test:properties -- src/compliance # only the property specs under these paths
 */
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');

function parseArguments(argv) {
  let rounds = Number(process.env.TEST_PROPERTY_ROUNDS ?? 5);
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else if (argv[i].startsWith('--rounds=')) rounds = Number(argv[i].slice('--rounds='.length));
    else paths.push(argv[i]);
  }
  if (!Number.isSafeInteger(rounds) || rounds < 1) {
    process.stderr.write('--rounds (TEST_PROPERTY_ROUNDS) must be a whole number ≥ 1\n');
    process.exit(2);
  }
  return { rounds, paths };
}

/** Spec files that import fast-check; end-to-end and browser specs need a build and are left out. */
function propertySpecs(paths) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts') && /from 'fast-check'/.test(readFileSync(path, 'utf8'))) found.push(path);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'test'));
  return found
    .map((path) => relative(root, path))
    .filter((path) => !/^test\/(e2e|browser)\//.test(path))
    .filter((path) => paths.length === 0 || paths.some((prefix) => path.startsWith(prefix.replace(/^\.\//, ''))))
    .sort();
}

function runJest(files) {
  return new Promise((done) => {
    const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--runTestsByPath', ...files], {
      cwd: root,
      // Colours as on a terminal, though Jest writes to a pipe here.
      env: { FORCE_COLOR: process.stdout.isTTY ? '1' : '0', ...process.env, TEST_PROPERTY_SEED: 'random' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (stream, out) =>
      stream.on('data', (chunk) => {
        output += chunk;
        out.write(chunk);
      });
    keep(jest.stdout, process.stdout);
    keep(jest.stderr, process.stderr);
    jest.on('close', (code) => done({ code, output }));
  });
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The failing files and the seeds fast-check reported, from Jest's output. */
function failures(output) {
  const text = output.replace(ANSI_COLOUR, '');
  const files = [...new Set([...text.matchAll(/^\s*FAIL\s+(\S+)/gm)].map((m) => m[1]))];
  const seeds = [...new Set([...text.matchAll(/\{ seed: (-?\d+)/g)].map((m) => m[1]))];
  return { files, seeds };
}

async function main() {
  const { rounds, paths } = parseArguments(process.argv.slice(2));
  const files = propertySpecs(paths);
  if (files.length === 0) {
    process.stderr.write(`no property specs under ${paths.join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(
    `Property sweep: ${files.length} spec files, ${rounds} round${rounds === 1 ? '' : 's'} of fresh random seeds\n`,
  );
  for (let round = 1; round <= rounds; round++) {
    process.stdout.write(`\n── round ${round} of ${rounds} ──\n`);
    const { code, output } = await runJest(files);
    if (code !== 0) {
      const { files: failed, seeds } = failures(output);
      process.stdout.write(`\nRound ${round} failed.\n`);
      if (seeds.length) {
        for (const seed of seeds) {
          process.stdout.write(`Replay: TEST_PROPERTY_SEED=${seed} npx jest ${failed.join(' ')}\n`);
        }
      } else {
        process.stdout.write(`No seed in the output: the failure is not a property's (see above). Files: ${failed.join(' ')}\n`);
      }
      process.exit(code ?? 1);
    }
  }
  process.stdout.write(`\nProperty sweep passed: ${rounds} round${rounds === 1 ? '' : 's'} over ${files.length} spec files.\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
