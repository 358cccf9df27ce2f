import '@testing-library/jest-dom/vitest';
import 'vitest-canvas-mock';
import { cleanup } from '@testing-library/react';
import { format } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { server } from './msw.js';

// Browser APIs jsdom lacks, which Mantine and chart.js ask for (the canvas comes from
// vitest-canvas-mock); real drawing is checked in the Chromium test.
window.matchMedia ??= ((query: string) => ({
  matches: false,
  media: query,
  onchange: null,
  addListener: () => {},
  removeListener: () => {},
  addEventListener: () => {},
  removeEventListener: () => {},
  dispatchEvent: () => false,
})) as typeof window.matchMedia;
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
Element.prototype.scrollIntoView ??= () => {};

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  // The pages are lazy chunks: their first transform (charts, the shared schemas) takes a second
  // or more on a busy machine, longer than a test waits for the first answer. Load them here.
  await Promise.all([
    import('../src/pages/UsagePage.js'),
    import('../src/pages/CostPage.js'),
    import('../src/pages/PerformancePage.js'),
    import('../src/pages/SettingsPage.js'),
    import('../src/pages/SafetyPage.js'),
    import('../src/pages/ImpactPage.js'),
  ]);
});
// React reports its warnings (a setState during another component's render, a missing key)
// on console.error only: a test that causes one fails, so the CI log has no warnings to read past.
let consoleErrors: string[] = [];
beforeEach(() => {
  consoleErrors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    consoleErrors.push(format(...args));
  });
});
afterEach(() => {
  cleanup();
  vi.mocked(console.error).mockRestore();
  if (consoleErrors.length > 0) throw new Error(`console.error during the test:\n${consoleErrors.join('\n')}`);
  server.resetHandlers();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterAll(() => server.close());
