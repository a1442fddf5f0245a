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
    ['SIGN_IN_MAX_FAILURES', '11'],
    ['SIGN_IN_ADDRESS_MAX_FAILURES', '0'],
    ['TRUST_PROXY', 'proxy.example.com'],
  ])('stops on an invalid %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(InvalidConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  - ${name} `));
  });

  it('reads TRUST_PROXY as Express takes it: off, on, hops, or addresses and subnets', () => {
    expect(loadConfig({}).auth.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).auth.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).auth.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).auth.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('never lets a lock be shorter than its first step', () => {
    expect(() => loadConfig({ SIGN_IN_LOCK_SECONDS: '600', SIGN_IN_MAX_LOCK_SECONDS: '60' })).toThrow(/SIGN_IN_MAX_LOCK_SECONDS/);
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
