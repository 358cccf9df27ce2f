import { ActionIcon, AppShell, Badge, Burger, Button, Group, NavLink, SegmentedControl, Select, Stack, Switch, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Range } from '@pulse/shared';
import { useIsFetching, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { REFRESH_MS, RefetchIntervalContext, useLastUpdatedAt, useLiveUpdates, useNow } from './auto-refresh.js';
import { LoadingBlock } from './components/states.js';
import type { Credentials } from './credentials.js';
import { useTRPC } from './trpc.js';
import { type Page, queryInput, RANGE_LABELS, traceFilterInput, useViewState } from './view-state.js';
import { CustomRange } from './CustomRange.js';

// One chunk per page: the first load only carries the page that is open.
const PAGES = {
  usage: lazy(() => import('./pages/UsagePage.js')),
  cost: lazy(() => import('./pages/CostPage.js')),
  performance: lazy(() => import('./pages/PerformancePage.js')),
  traces: lazy(() => import('./pages/TracesPage.js')),
  sessions: lazy(() => import('./pages/SessionsPage.js')),
  quality: lazy(() => import('./pages/QualityPage.js')),
  safety: lazy(() => import('./pages/SafetyPage.js')),
  impact: lazy(() => import('./pages/ImpactPage.js')),
  prices: lazy(() => import('./pages/PricesPage.js')),
  settings: lazy(() => import('./pages/SettingsPage.js')),
};
const TITLES: Record<Page, string> = {
  usage: 'Usage',
  cost: 'Cost',
  performance: 'Performance',
  traces: 'Traces',
  sessions: 'Sessions',
  quality: 'Quality',
  safety: 'Safety',
  impact: 'Impact',
  prices: 'Prices',
  settings: 'Settings',
};
/** Pages about the workspace itself rather than a time window: no range or filters. */
const UNWINDOWED: ReadonlySet<Page> = new Set(['prices', 'settings']);

/**
 * The sidebar's border drawn down the whole page: the navbar is fixed at the viewport's height,
 * so on a page longer than the screen (and in full-page captures) its own border ended halfway.
 * A 1 px line at the navbar's edge behind the main area runs as long as the content; with the
 * navbar collapsed (mobile) its offset is 0 and the line falls outside the page.
 */
const SIDEBAR_RULE = {
  backgroundImage: 'linear-gradient(var(--app-shell-border-color), var(--app-shell-border-color))',
  backgroundSize: '1px 100%',
  backgroundRepeat: 'no-repeat',
  backgroundPosition: 'calc(var(--app-shell-navbar-offset, 0rem) - 1px) 0',
};

export function Dashboard({ credentials, onSignOut }: { credentials: Credentials; onSignOut: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useViewState();
  const [navOpen, nav] = useDisclosure(false);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const live = useLiveUpdates(autoRefresh);
  // Polling is the fallback while the live socket is not connected.
  const refetchInterval = autoRefresh && !live ? REFRESH_MS : false;
  const fetching = useIsFetching();
  const updatedAt = useLastUpdatedAt();
  const now = useNow(1000);
  // The scheme starts from the system's ('auto'); the toggle flips what is shown.
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const info = useQuery(trpc.workspace.info.queryOptions(undefined, { refetchInterval }));

  const CurrentPage = PAGES[view.page];
  const ago = Math.max(0, Math.round((now - updatedAt) / 1000));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="md" styles={{ main: SIDEBAR_RULE }}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={3}>Pulse</Title>
            <Text c="dimmed" size="sm" visibleFrom="xs" data-testid="workspace-name">
              {info.data?.name ?? ''}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            {live && (
              <Badge color="green" variant="dot" data-testid="live-badge" title="New calls appear as they arrive">
                Live
              </Badge>
            )}
            <Text size="xs" c="dimmed" visibleFrom="sm" data-testid="updated-ago">
              {fetching ? 'updating…' : updatedAt ? `updated ${ago} s ago` : 'not updated yet'}
            </Text>
            <Button size="xs" variant="default" onClick={() => void queryClient.invalidateQueries()} aria-label="Refresh">
              Refresh
            </Button>
            <ActionIcon variant="default" onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')} aria-label="Toggle light/dark theme" size="lg">
              {scheme === 'dark' ? '☀' : '☾'}
            </ActionIcon>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <Stack gap={4}>
          {(Object.keys(TITLES) as Page[]).map((p) => (
            <NavLink
              key={p}
              label={TITLES[p]}
              active={view.page === p}
              onClick={() => {
                setView({ page: p });
                nav.close();
              }}
            />
          ))}
          <Switch mt="md" label={live ? 'Live updates' : `Auto-refresh (${REFRESH_MS / 1000} s)`} checked={autoRefresh} onChange={(e) => setAutoRefresh(e.currentTarget.checked)} />
          <Button mt="md" variant="subtle" color="gray" onClick={onSignOut}>
            Sign out
          </Button>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Stack>
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Title order={2}>{TITLES[view.page]}</Title>
            {!UNWINDOWED.has(view.page) && (
            <Group gap="sm" wrap="wrap">
              <SegmentedControl
                aria-label="Time range"
                value={view.range}
                onChange={(r) => setView({ range: r as Range, ...(r !== 'custom' ? { from: undefined, to: undefined } : {}) })}
                data={Object.entries(RANGE_LABELS).map(([value, label]) => ({ value, label }))}
              />
              {view.range === 'custom' && <CustomRange from={view.from} to={view.to} onChange={(from, to) => setView({ range: 'custom', from, to })} />}
              <Select aria-label="Agent" placeholder="All agents" clearable data={info.data?.agents ?? []} value={view.agent ?? null} onChange={(a) => setView({ agent: a ?? undefined })} w={180} />
              <Select aria-label="Model" placeholder="All models" clearable data={info.data?.models ?? []} value={view.model ?? null} onChange={(m) => setView({ model: m ?? undefined })} w={180} />
              <Select aria-label="Tag" placeholder="All tags" clearable searchable data={info.data?.tags ?? []} value={view.tag ?? null} onChange={(t) => setView({ tag: t ?? undefined })} w={180} />
            </Group>
            )}
          </Group>
          {view.range === 'custom' && !(view.from && view.to) && !UNWINDOWED.has(view.page) ? (
            <Text c="dimmed">Choose a start and an end.</Text>
          ) : (
            <RefetchIntervalContext value={refetchInterval}>
              <Suspense fallback={<LoadingBlock height={400} />}>
                <CurrentPage
                  input={queryInput(view)}
                  traceInput={traceFilterInput(view)}
                  workspaceId={credentials.workspaceId}
                  credentials={credentials}
                  score={view.score}
                  onScore={(score) => setView({ score })}
                  onOpenPage={(page) => setView({ page })}
                  setView={setView}
                  // Exactly the clicked bucket or dimension: trace filters of an earlier visit are dropped.
                  drill={(patch) => setView({ page: 'traces', user: undefined, session: undefined, status: undefined, errorType: undefined, ...patch })}
                />
              </Suspense>
            </RefetchIntervalContext>
          )}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
