/**
 * A view of a client in which the methods at some paths (`chat.completions.create`) are
 * replaced; everything else is the client itself. The client is not changed, and methods are
 * called on their real objects (SDK classes may hold private fields a proxy cannot reach).
 */
type Method = (...args: unknown[]) => unknown;

export function intercept<T extends object>(
  client: T,
  replacements: Record<string, (original: Method, self: object) => Method>,
): T {
  const tree = new Map<string, Record<string, (original: Method, self: object) => Method>>();
  const own = new Map<string, (original: Method, self: object) => Method>();
  for (const [path, replace] of Object.entries(replacements)) {
    const [head, ...rest] = path.split('.');
    if (rest.length === 0) own.set(head!, replace);
    else tree.set(head!, { ...tree.get(head!), [rest.join('.')]: replace });
  }
  return new Proxy(client, {
    get(target, prop, _receiver) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== 'string') return value;
      const replace = own.get(prop);
      if (replace && typeof value === 'function') return replace(value as Method, target);
      const below = tree.get(prop);
      if (below && value !== null && typeof value === 'object') return intercept(value, below);
      return typeof value === 'function' && prop !== 'constructor' ? (value as Method).bind(target) : value;
    },
  });
}
