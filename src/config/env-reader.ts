export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

interface Common<T> {
  default?: T;
  optional?: boolean;
}

/** Reads environment variables, collecting every problem so start-up reports them all at once. */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, options: Common<string> & { minLength?: number } = {}): string | undefined {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default;
    if (options.minLength && raw.length < options.minLength) {
      return this.problem(name, `must be at least ${options.minLength} characters long`);
    }
    return raw;
  }

  int(name: string, options: Common<number> & { min?: number; max?: number }): number {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default as number;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      return this.problem(name, `must be a whole number, got "${raw}"`) as never;
    }
    if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      return this.problem(name, `must be between ${options.min} and ${options.max}, got ${value}`) as never;
    }
    return value;
  }

  number(name: string, options: Common<number> & { min?: number }): number {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default as number;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || (options.min !== undefined && value < options.min)) {
      return this.problem(name, `must be a number${options.min !== undefined ? ` ≥ ${options.min}` : ''}, got "${raw}"`) as never;
    }
    return value;
  }

  bool(name: string, options: Common<boolean>): boolean {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default as boolean;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    return this.problem(name, `must be true or false, got "${raw}"`) as never;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], options: Common<T>): T {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default as T;
    if (!allowed.includes(raw as T)) {
      return this.problem(name, `must be one of ${allowed.join(', ')}, got "${raw}"`) as never;
    }
    return raw as T;
  }

  url(name: string, options: Common<string> & { protocols: string[] }): string | undefined {
    const raw = this.raw(name, options);
    if (raw === undefined) return options.default;
    try {
      const url = new URL(raw);
      if (!options.protocols.includes(url.protocol)) {
        return this.problem(name, `must be a ${options.protocols.join(' or ')} URL`);
      }
      return raw;
    } catch {
      return this.problem(name, 'must be a URL');
    }
  }

  /** For rules the single readers cannot express: a format, or variables that go together. */
  reject(name: string, reason: string): void {
    this.problem(name, reason);
  }

  assertValid(): void {
    if (this.problems.length > 0) throw new InvalidConfigError(this.problems);
  }

  private raw(name: string, options: Common<unknown>): string | undefined {
    const raw = this.env[name];
    if (raw !== undefined && raw !== '') return raw;
    if (options.default === undefined && !options.optional) this.problem(name, 'is required');
    return undefined;
  }

  private problem(name: string, reason: string): undefined {
    this.problems.push(`${name} ${reason}`);
    return undefined;
  }
}
