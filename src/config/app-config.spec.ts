import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has defaults that run Herald locally with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: './.data', logLevel: 'info' });
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['HERALD_ADMIN_KEY', 'short'],
  ])('stops on an invalid %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(InvalidConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  - ${name} `));
  });

  it('reports every invalid variable at once', () => {
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' });
      fail('expected an error');
    } catch (error) {
      expect((error as InvalidConfigError).problems).toHaveLength(2);
    }
  });

  it('reads exactly the variables .env.example documents', () => {
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_, name) => (read.add(String(name)), undefined) }));
    const documented = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((name) => name && !name.startsWith('TEST_')); // the test suite's own
    expect(new Set(documented)).toEqual(read);
  });
});
