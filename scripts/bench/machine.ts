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

/** A memory figure of a process's /proc status (VmHWM: peak resident set, VmRSS: now), in MB; null when /proc does not tell. */
function statusMB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | null {
  if (pid === undefined) return null;
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    // kB here are KiB; MB are 10^6 bytes, the unit of the target, to 0.1 MB.
    return kb === undefined ? null : Math.round((Number(kb) * 1024) / 1e5) / 10;
  } catch {
    return null;
  }
}

/** Peak resident set (VmHWM) of a process so far, in whole MB. */
export function peakRssMB(pid: number | undefined): number | null {
  const mb = statusMB(pid, 'VmHWM');
  return mb === null ? null : Math.round(mb);
}

/** Resident set (VmRSS) of a process now, in MB. */
export function rssMB(pid: number | undefined): number | null {
  return statusMB(pid, 'VmRSS');
}

/** CPU time a process has used so far (user + system), in seconds; null when /proc does not tell. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name; in clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
