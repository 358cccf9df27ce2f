import type { queryInput } from '../view-state.js';

export interface PageProps {
  input: ReturnType<typeof queryInput>;
  workspaceId: string;
  /** The score name picked on the quality page (kept in the URL); the other pages ignore it. */
  score?: string | undefined;
  onScore: (name: string) => void;
}
