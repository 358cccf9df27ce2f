import type { queryInput } from '../view-state.js';

export interface PageProps {
  input: ReturnType<typeof queryInput>;
  workspaceId: string;
}
