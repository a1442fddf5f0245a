import { createHash, randomBytes } from 'node:crypto';

/** Keys are long random strings, so a fast hash is enough; only the hash is stored. */
export function newApiKey(): string {
  return `hk_${randomBytes(24).toString('base64url')}`;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function keyPrefix(key: string): string {
  return key.slice(0, 7);
}
