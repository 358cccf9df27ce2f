import type { Credentials } from '../credentials.js';
import type { Page, queryInput, traceFilterInput, ViewPatch } from '../view-state.js';

export interface PageProps {
  input: ReturnType<typeof queryInput>;
  workspaceId: string;
  /** The score name picked on the quality page (kept in the URL); the other pages ignore it. */
  score?: string | undefined;
  onScore: (name: string) => void;
  /** Opens another page of the dashboard (the Cost page links to Prices). */
  onOpenPage: (page: Page) => void;
  /** Opens Traces filtered to exactly what was clicked (a bucket, an agent, a user, an error type). */
  drill: (patch: ViewPatch) => void;
  /** The Traces and Sessions pages: the view's trace filters, and how to change them in the URL. */
  traceInput: ReturnType<typeof traceFilterInput>;
  setView: (patch: ViewPatch) => void;
  /** The export is a plain download: it carries the key and workspace itself. */
  credentials: Credentials;
}
