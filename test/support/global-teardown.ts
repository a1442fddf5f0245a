import { rmSync } from 'node:fs';
import { RunningDatabase } from '../../src/database/embedded-database';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { heraldTestServer?: { server: RunningDatabase; dataDir: string } }).heraldTestServer;
  if (!started) return;
  await started.server.stop();
  rmSync(started.dataDir, { recursive: true, force: true });
}
