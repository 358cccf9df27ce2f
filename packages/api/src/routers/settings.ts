import { settingsInputSchema, settingsQueryInputSchema, settingsSchema } from '@pulse/shared';
import { readSettings, updateSettings } from '../safety/settings-store.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['settings'];
const protect = true;

/** The workspace's settings (docs/API_SPEC.md §12): PII redaction at ingest, retention. */
export const settingsRouter = router({
  get: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/settings', tags, protect, summary: "The workspace's settings" }, scope: 'read' })
    .input(settingsQueryInputSchema)
    .output(settingsSchema)
    .query(({ ctx }) => readSettings(ctx.database, ctx.workspaceId)),

  update: workspaceProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/settings',
        tags,
        protect,
        summary: 'Change redact_pii, retention_days or both',
        description:
          'Fields left out keep their value. With redact_pii on, what the detectors find in input and output is replaced by ' +
          '[REDACTED:<type>] before a trace is stored, from the next batch on.',
      },
      scope: 'admin',
    })
    .input(settingsInputSchema)
    .output(settingsSchema)
    .mutation(({ ctx, input }) => updateSettings(ctx, ctx.workspaceId, input)),
});
