import type { Page, queryInput } from '../view-state.js';

export interface PageProps {
  input: ReturnType<typeof queryInput>;
  workspaceId: string;
  /** Opens another page of the dashboard (the Cost page links to Prices). */
  onOpenPage: (page: Page) => void;
}
