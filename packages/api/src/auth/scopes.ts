import type { KeyScope } from '@pulse/shared';

/**
 * Why a key with `scopes` may not do what needs `needed` (docs/API_SPEC.md §1), or undefined
 * when it may: the 403's message, naming the scope.
 */
export function scopeRefusal(scopes: readonly KeyScope[], needed: KeyScope): string | undefined {
  if (scopes.includes(needed)) return undefined;
  return `The API key lacks the '${needed}' scope this operation needs (it has: ${scopes.join(', ')})`;
}
