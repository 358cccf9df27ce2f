/** The API key and workspace the dashboard signs in with, kept in localStorage. */
export interface Credentials {
  apiKey: string;
  workspaceId: string;
}

const STORAGE_KEY = 'pulse.credentials';

export function loadCredentials(): Credentials | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Credentials>;
    return parsed.apiKey && parsed.workspaceId ? { apiKey: parsed.apiKey, workspaceId: parsed.workspaceId } : null;
  } catch {
    return null;
  }
}

export function saveCredentials(c: Credentials): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(c));
}

export function clearCredentials(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/**
 * The URL `npm start` prints carries the key in the fragment (`#key=…&workspace=…`), which
 * never reaches a server log. Take it, and remove it from the address bar at once.
 */
export function takeCredentialsFromFragment(): Credentials | null {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const apiKey = hash.get('key');
  const workspaceId = hash.get('workspace');
  if (!apiKey || !workspaceId) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return { apiKey, workspaceId };
}
