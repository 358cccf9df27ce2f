/**
 * Nesting depth of a parsed JSON value (a scalar is 0, `[]` and `{}` are 1), measured without
 * recursion and giving up past `limit`: deep junk must not overflow the stack of the code that
 * checks it, nor of JSON.stringify after it.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** How deep trace metadata may nest; a whole request body may nest this plus a few levels more. */
export const MAX_METADATA_DEPTH = 64;
