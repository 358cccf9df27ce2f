function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // Malformed escapes: tRPC answers 404 for such a path itself.
  }
}

/**
 * The procedure names of a request to /trpc, one per call: `/a.b,c.d` (a batch) holds two.
 * `path` is the request's path below the /trpc mount.
 */
export function trpcCallNames(path: string): string[] {
  return safeDecode(path.slice(1)).split(',');
}
