/** Where the figures were measured, and the server process's memory. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

export function loadAverage(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

/** A memory line (VmHWM, VmRSS) of /proc/<pid>/status in MB; null when /proc does not tell. */
function statusMB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | null {
  if (pid === undefined) return null;
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    // kB here are KiB; MB are 10^6 bytes, the unit of the targets.
    return kb === undefined ? null : Math.round((Number(kb) * 1024) / 1e6);
  } catch {
    return null;
  }
}

/** Peak resident set (VmHWM) of a process so far, in MB. */
export const peakRssMB = (pid: number | undefined) => statusMB(pid, 'VmHWM');

/** Resident set (VmRSS) of a process now, in MB. */
export const rssMB = (pid: number | undefined) => statusMB(pid, 'VmRSS');
