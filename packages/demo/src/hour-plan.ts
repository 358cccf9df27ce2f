import { AGENTS } from './data/agents.js';
import type { DemoIncidents } from './incidents.js';
import { cumulative } from './prng.js';
import { DIURNAL, growth, migration } from './rhythm.js';
import { HOUR } from './time.js';

/** What holds for one hour of traffic. */
export interface HourPlan {
  /** Relative volume of the hour (before scaling to the target). */
  weight: number;
  agentCum: number[];
  modelCum: number[][];
  spike: boolean;
  slow: boolean;
}

export function hourWeight(hourStart: number, nowMs: number): number {
  const d = new Date(hourStart);
  const h = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  let sum = 0;
  for (const a of AGENTS) sum += a.share * (weekend ? a.weekend : 1) * (a.alwaysOn + (1 - a.alwaysOn) * DIURNAL[h]!);
  return sum * growth(hourStart + HOUR / 2, nowMs);
}

export function hourPlan(hourStart: number, nowMs: number, incidents: DemoIncidents): HourPlan {
  const d = new Date(hourStart);
  const h = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const m = migration(hourStart + HOUR / 2, nowMs);
  const agentWeights = AGENTS.map(
    (a) => a.share * (weekend ? a.weekend : 1) * (a.alwaysOn + (1 - a.alwaysOn) * DIURNAL[h]!),
  );
  return {
    weight: hourWeight(hourStart, nowMs),
    agentCum: cumulative(agentWeights),
    modelCum: AGENTS.map((a) => cumulative(a.models.map(([, before, after]) => before + (after - before) * m))),
    spike: hourStart >= incidents.errorSpike.startMs && hourStart < incidents.errorSpike.endMs,
    slow: hourStart >= incidents.slowHour.startMs && hourStart < incidents.slowHour.endMs,
  };
}
