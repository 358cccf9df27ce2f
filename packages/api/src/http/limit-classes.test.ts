import { describe, expect, it } from 'vitest';
import { limitClasses } from './limit-classes.js';

const rest = (path: string, method = 'POST') => limitClasses({ baseUrl: '/api/v1', path, method });
const trpc = (path: string) => limitClasses({ baseUrl: '/trpc', path, method: 'GET' });

describe('limitClasses', () => {
  it('counts REST ingest against the ingest limit and every other key request against the query limit', () => {
    expect(rest('/traces')).toEqual(['ingest']);
    expect(rest('/scores', 'POST')).toEqual(['ingest']);
    expect(rest('/usage/overview', 'GET')).toEqual(['query']);
    // The trace list, its export and a trace's detail are reads.
    expect(rest('/traces', 'GET')).toEqual(['query']);
    expect(rest('/traces/export', 'GET')).toEqual(['query']);
    expect(rest('/cost/budget')).toEqual(['query']);
    expect(rest('/performance/latency')).toEqual(['query']);
    // A path no procedure has yet is still limited: new procedures need no change here.
    expect(rest('/something/new')).toEqual(['query']);
  });

  it('leaves the REST admin API (token, not key) unlimited', () => {
    expect(rest('/admin')).toEqual([]);
    expect(rest('/admin/workspaces')).toEqual([]);
    expect(rest('/admin/workspaces/w/keys/k')).toEqual([]);
    expect(rest('/administrator')).toEqual(['query']);
  });

  it('classifies tRPC procedures by their router', () => {
    expect(trpc('/ingest.traces')).toEqual(['ingest']);
    expect(trpc('/scores.write,quality.overview')).toEqual(['ingest', 'query']);
    expect(trpc('/usage.overview')).toEqual(['query']);
    expect(trpc('/admin.createWorkspace')).toEqual([]);
  });

  it('draws a tRPC batch once per call on the class that call belongs to', () => {
    expect(trpc('/usage.overview,cost.overview')).toEqual(['query', 'query']);
    expect(trpc('/ingest.traces,usage.overview,admin.createKey,usage.topUsers')).toEqual(['ingest', 'query', 'query']);
    expect(trpc('/admin.createKey,admin.revokeKey')).toEqual([]);
    expect(trpc('/usage.overview%2Cingest.traces')).toEqual(['query', 'ingest']);
  });

  it('treats a malformed escape as a plain name', () => {
    expect(trpc('/usage.%E0%A4%A')).toEqual(['query']);
  });
});
