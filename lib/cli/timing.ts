/**
 * `TRUSTSPEC_TIMING=1`: how long a command's analysis took, on standard error — its wall time and
 * the process's CPU time meanwhile (which counts V8's compiler and collector threads too), so that
 * starting node, reading files and printing are apart. For reports of a slow run, and for
 * bench/symbolic-command.mjs.
 */
import { performance } from 'node:perf_hooks';
import type { Io } from './io.js';

/** Runs `f` and returns what it returns, saying how long it took when timing is on. */
export type Timer = <T>(label: string, f: () => T) => T;

/** The timer of a command: on when TRUSTSPEC_TIMING is set and not `0` or empty. */
export function timer(io: Io): Timer {
  const on = io.env['TRUSTSPEC_TIMING'];
  if (on === undefined || on === '' || on === '0') return (_label, f) => f();
  return (label, f) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = f();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    io.stderr.write(
      `trustspec: timing: ${label} ${wall.toFixed(1)} ms (process CPU ${((used.user + used.system) / 1000).toFixed(1)} ms)\n`,
    );
    return result;
  };
}
