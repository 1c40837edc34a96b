/**
 * A tiny schema checker for the config file. zod would be the house choice,
 * but importing it costs ~100 ms on this class of machine — as much as Node's
 * own start-up — and `agentmux ls` must answer in well under 1.5x `node -e 0`.
 * The config is small, so a few combinators that collect every problem with
 * its key path are enough.
 */
export type Check<T> = (value: unknown, path: string, problems: string[]) => T | undefined;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
      return `${typeof value} ${value}`;
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

export const str: Check<string> = (v, path, problems) => {
  if (typeof v === "string") return v;
  problems.push(`${path}: expected a string, got ${describe(v)}`);
  return undefined;
};

export const bool: Check<boolean> = (v, path, problems) => {
  if (typeof v === "boolean") return v;
  problems.push(`${path}: expected true or false, got ${describe(v)}`);
  return undefined;
};

export function num(min: number, max: number): Check<number> {
  return (v, path, problems) => {
    if (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max) return v;
    problems.push(`${path}: expected a number from ${min} to ${max}, got ${describe(v)}`);
    return undefined;
  };
}

export function oneOf<const T extends string>(...values: T[]): Check<T> {
  return (v, path, problems) => {
    if (typeof v === "string" && (values as string[]).includes(v)) return v as T;
    problems.push(`${path}: expected one of ${values.join(", ")}, got ${describe(v)}`);
    return undefined;
  };
}

export function either<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (v, path, problems) => {
    const scratch: string[] = [];
    const ra = a(v, path, scratch);
    if (scratch.length === 0) return ra;
    const scratch2: string[] = [];
    const rb = b(v, path, scratch2);
    if (scratch2.length === 0) return rb;
    problems.push(`${path}: expected ${expected}, got ${describe(v)}`);
    return undefined;
  };
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (v, path, problems) => {
    if (!Array.isArray(v)) {
      problems.push(`${path}: expected a list, got ${describe(v)}`);
      return undefined;
    }
    const out: T[] = [];
    v.forEach((x, i) => {
      const r = item(x, `${path}[${i}]`, problems);
      if (r !== undefined) out.push(r);
    });
    return out;
  };
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  return (v, path, problems) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push(`${path}: expected an object, got ${describe(v)}`);
      return undefined;
    }
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = item(x, `${path}.${k}`, problems);
      if (r !== undefined) out[k] = r;
    }
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never };

/** An object with only the listed keys (unknown keys are reported: they are usually typos). */
export function object<S extends Shape>(shape: S): Check<Out<S>> {
  return (v, path, problems) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push(`${path || "config"}: expected an object, got ${describe(v)}`);
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const keyPath = path ? `${path}.${k}` : k;
      const check = shape[k];
      if (!check) {
        problems.push(`${keyPath}: unknown key (known: ${Object.keys(shape).join(", ")})`);
        continue;
      }
      const r = check(x, keyPath, problems);
      if (r !== undefined) out[k] = r;
    }
    return out as Out<S>;
  };
}
