import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BENCH = join(__dirname, '..', '..', 'dist', 'bench', 'faults.bench.js');

/**
 * A campaign sent by Herald processes while everything that can fail does: the sending instance
 * killed with SIGKILL mid-send, PostgreSQL stopped mid-batch, and the provider refusing, hanging,
 * resetting and answering 5xx after it created the message. Counted by the local Twilio: nobody
 * gets a message twice, nobody is forgotten, nothing is left in doubt. (bench:faults, smaller: it
 * runs in a process of its own, as the embedded PostgreSQL cannot load in Jest's module sandbox.)
 */
describe('a campaign under faults, counted by the local Twilio', () => {
  it('sends each customer exactly one SMS or says why not, through kills, a database stop and provider faults', async () => {
    const output = await run(BENCH, {
      BENCH_SMS: '1500',
      BENCH_KILLS: '2',
      BENCH_DB_STOP_MS: '3000',
      BENCH_BASELINE: 'false',
      BENCH_SEED: '7',
    });
    const report = JSON.parse(output.trim().split('\n').pop()!);
    expect(report).toMatchObject({ tasks: 1_500, duplicates: 0, neverSent: 0, stuck: 0, unknownAfterReconcile: 0 });
    expect(report.maxUnknownAfterCrash).toBeLessThanOrEqual(256); // DISPATCH_CONCURRENCY in bench/support/fault-campaign.ts
  }, 300_000);
});

function run(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${script} exited ${code}:\n${output}`))));
  });
}
