import {
  alertDeliveriesSchema,
  alertListInputSchema,
  alertListSchema,
  alertPathSchema,
  alertRuleInputSchema,
  alertRuleWithSecretSchema,
  alertTestResultSchema,
} from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { sendTestNotification } from '../alerts/deliveries.js';
import { deleteRule, findRule, listDeliveries, listRules, putRule } from '../alerts/rule-store.js';
import { resolveWebhook, UnsafeWebhookError } from '../alerts/ssrf-guard.js';
import { setStatus } from '../trpc/context.js';
import type { Context } from '../trpc/context.js';
import { InvalidInputError } from '../trpc/input-error.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['alerts'];
const protect = true;
const notFound = { when: 'The workspace has no alert rule of that name', message: 'No alert rule named budget-80' };
const noSuchRule = (name: string) => new TRPCError({ code: 'NOT_FOUND', message: `No alert rule named ${name}` });

/** How long a PUT waits for the webhook's name to resolve before taking it as unresolved. */
const RESOLVE_WAIT_MS = 3_000;

/**
 * A webhook URL must not reach this host or a private network (docs/API_SPEC.md §11): its
 * addresses are checked now, and again at every delivery. A name that does not resolve (yet,
 * or not within RESOLVE_WAIT_MS) is accepted: no connection can be made to it, and each
 * delivery checks it again.
 */
async function checkWebhook(ctx: Context, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const unresolved = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, RESOLVE_WAIT_MS);
  });
  try {
    await Promise.race([resolveWebhook(url, ctx.alertDelivery), unresolved]);
  } catch (err) {
    if (err instanceof UnsafeWebhookError) throw new InvalidInputError([{ path: 'webhook_url', message: err.message }]);
  } finally {
    clearTimeout(timer);
  }
}

export const alertsRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/alerts', tags, protect, summary: "The workspace's alert rules (without their secrets)" }, scope: 'read' })
    .input(alertListInputSchema)
    .output(alertListSchema)
    .query(async ({ ctx }) => ({ data: await listRules(ctx.database, ctx.workspaceId) })),

  put: workspaceProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/alerts/{name}',
        tags,
        protect,
        summary: 'Create or change an alert rule',
        description: 'A created rule is answered with its signing `secret`, this once; a changed rule keeps its secret, state and last firing.',
      },
      scope: 'admin',
    })
    .input(alertRuleInputSchema)
    .output(alertRuleWithSecretSchema)
    .mutation(async ({ ctx, input }) => {
      await checkWebhook(ctx, input.webhook_url);
      return putRule(ctx.database, ctx.alertDelivery.box, ctx.workspaceId, input);
    }),

  delete: workspaceProcedure
    .meta({ openapi: { method: 'DELETE', path: '/alerts/{name}', tags, protect, summary: 'Delete an alert rule and its deliveries' }, answers: { success: 204, notFound }, scope: 'admin' })
    .input(alertPathSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!(await deleteRule(ctx.database, ctx.workspaceId, input.name))) throw noSuchRule(input.name);
      setStatus(ctx, 204);
    }),

  deliveries: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/alerts/{name}/deliveries', tags, protect, summary: "The rule's last 50 webhook attempts, newest first" }, answers: { notFound }, scope: 'read' })
    .input(alertPathSchema)
    .output(alertDeliveriesSchema)
    .query(async ({ ctx, input }) => {
      if (!(await findRule(ctx.database, ctx.workspaceId, input.name))) throw noSuchRule(input.name);
      return { data: await listDeliveries(ctx.database, ctx.workspaceId, input.name) };
    }),

  test: workspaceProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/alerts/{name}/test',
        tags,
        protect,
        summary: 'Send a test delivery to the rule\'s webhook now',
        description: 'Takes no body. One attempt, not retried, recorded in the deliveries with state `test`; the answer is that attempt.',
      },
      answers: { notFound },
      scope: 'admin',
    })
    .input(alertPathSchema)
    .output(alertTestResultSchema)
    .mutation(async ({ ctx, input }) => {
      const rule = await findRule(ctx.database, ctx.workspaceId, input.name);
      if (!rule) throw noSuchRule(input.name);
      const payload = {
        alert: rule.name,
        workspace_id: rule.workspaceId,
        metric: rule.metric,
        value: rule.lastValue,
        threshold: rule.threshold,
        window: rule.window,
        state: 'test' as const,
        at: new Date().toISOString(),
      };
      return sendTestNotification(ctx.database, payload, rule.format, ctx.alertDelivery);
    }),
});
