import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Random bytes are drawn this many at a time: one system call per ~500 ids rather than one each. */
const POOL_BYTES = 4096;

/**
 * UUIDv7 customer ids (RFC 9562), made where the rows are encoded so that an import can COPY a
 * new customer and its consent entries together without asking the database for the id first.
 * Time-ordered like the database's own `uuidv7()`, so the primary key and every index keyed by
 * customer id grow at their right edge. Ids from one generator are strictly increasing (the
 * RFC's method 1: a counter in the random bits, restarted at a random value each millisecond),
 * so of two rows with the same external reference, the later one has the greater id.
 */
export class CustomerIdGenerator {
  private millis = 0;
  /** 42 bits: the 12 of `rand_a` and the first 30 of `rand_b`. Starts below 2^41, so it cannot overflow within a millisecond. */
  private counter = 0;
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private used = POOL_BYTES;

  next(): string {
    const now = Date.now();
    if (now > this.millis) {
      this.millis = now;
      this.counter = this.random32() * 512 + (this.random32() >>> 23);
    } else {
      // The same millisecond, or the clock went back: stay in the last one and count on.
      this.counter++;
    }
    const time = this.millis.toString(16).padStart(12, '0');
    const high = Math.floor(this.counter / 2 ** 30); // 12 bits: rand_a
    const low = this.counter % 2 ** 30; // 30 bits: the start of rand_b, after the variant
    const tail = this.random32();
    return (
      `${time.slice(0, 8)}-${time.slice(8)}-7${high.toString(16).padStart(3, '0')}-` +
      `${HEX[0x80 | (low >>> 24)]}${HEX[(low >>> 16) & 0xff]}-${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}` +
      `${HEX[tail >>> 24]}${HEX[(tail >>> 16) & 0xff]}${HEX[(tail >>> 8) & 0xff]}${HEX[tail & 0xff]}`
    );
  }

  private random32(): number {
    if (this.used === POOL_BYTES) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const value = this.pool.readUInt32BE(this.used);
    this.used += 4;
    return value;
  }
}
