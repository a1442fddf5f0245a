import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RunningDatabase } from '../../src/database/embedded-database';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { heraldTestServer?: { server: RunningDatabase; dataDir: string } }).heraldTestServer;
  if (!started) return;
  await started.server.stop();
  rmSync(started.dataDir, { recursive: true, force: true });
  // As root with a temp folder the `postgres` user cannot reach, the cluster was placed elsewhere.
  const placed = dirname(started.server.directory);
  if (resolve(placed) !== resolve(started.dataDir)) rmSync(placed, { recursive: true, force: true });
}
