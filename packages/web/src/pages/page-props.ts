import type { Page, queryInput } from '../view-state.js';

export interface PageProps {
  input: ReturnType<typeof queryInput>;
  workspaceId: string;
  /** The score name picked on the quality page (kept in the URL); the other pages ignore it. */
  score?: string | undefined;
  onScore: (name: string) => void;
  /** Opens another page of the dashboard (the Cost page links to Prices). */
  onOpenPage: (page: Page) => void;
}
