import type { SqlWireCounter } from '../../apps/api/test/support/sql-wire-counter.js';
import { MessageSwarm, type StepResult, type Target } from './clients.js';
import { cpuMeter, type Child } from '../../apps/api/test/support/processes.js';
import type { SeededCustomer, SeededStaff } from './seed.js';
import { load, round } from './stats.js';

/** The processes whose CPU a step reports, by role (several API instances add up under `api`). */
export type MeasuredProcesses = Record<string, Child[]>;

export interface StepRow extends StepResult {
  /** CPU ms per message sent, per role. */
  cpuMsPerMessage: Record<string, number>;
  /** SQL statements per message sent, per role (Baton only). */
  sqlPerMessage: Record<string, number> | null;
  load: number[];
}

export interface SkippedStep {
  rate: number;
  skipped: string;
}

/**
 * A step that delivers less than 80 % of its rate, loses more than 5 % of its messages or whose p99
 * passes this ends the ramp: past that point an open loop only piles up a backlog.
 */
const SATURATED_P99_MS = 5_000;

/** Runs one step while metering the processes' CPU and the SQL counters. */
export async function measuredStep(
  swarm: MessageSwarm,
  rate: number,
  seconds: number,
  processes: MeasuredProcesses,
  sql: Record<string, SqlWireCounter> | null,
): Promise<StepRow> {
  const meters = Object.entries(processes).map(([role, children]) => [role, cpuMeter(children)] as const);
  for (const counter of Object.values(sql ?? {})) counter.reset();
  const result = await swarm.run(rate, seconds);
  const per = (value: number) => (result.sent > 0 ? round(value / result.sent, 3) : 0);
  const cpuMsPerMessage = Object.fromEntries(meters.map(([role, meter]) => [role, per(meter.read())]));
  let sqlPerMessage: Record<string, number> | null = null;
  if (sql) {
    const counts = Object.entries(sql).map(([role, counter]) => [role, counter.statements()] as const);
    sqlPerMessage = Object.fromEntries([
      ...counts.map(([role, n]) => [role, per(n)]),
      ['total', per(counts.reduce((sum, [, n]) => sum + n, 0))],
    ]);
  }
  return { ...result, cpuMsPerMessage, sqlPerMessage, load: load() };
}

export function describeStep(target: string, row: StepRow): string {
  const cpu = Object.entries(row.cpuMsPerMessage)
    .map(([role, ms]) => `${role} ${ms} ms`)
    .join(', ');
  const sql = row.sqlPerMessage ? `, SQL ${row.sqlPerMessage.total}/msg` : '';
  return (
    `${target} ${row.rate} msg/s: sent ${row.sent}, delivered ${row.delivered}, errors ${row.errors} ` +
    `(acknowledged, never delivered: ${row.undelivered.agent} to agents, ${row.undelivered.customer} to customers), ` +
    `p50 ${row.latency.p50} p99 ${row.latency.p99} ms, CPU/msg ${cpu}${sql}, load ${row.load[0]}`
  );
}

/**
 * The message path against one target: connect every agent and customer, warm up, then the rate
 * steps in order until one saturates (the rest are recorded as skipped).
 */
export async function messageRamp(options: {
  target: Target;
  label: string;
  agents: SeededStaff[];
  customers: SeededCustomer[];
  rates: number[];
  seconds: number;
  processes: MeasuredProcesses;
  sql: Record<string, SqlWireCounter> | null;
  say: (line: string) => void;
}): Promise<{ connectSeconds: number; steps: (StepRow | SkippedStep)[] }> {
  const { target, label, say } = options;
  say(`${label}: connecting ${options.agents.length} agents and ${options.customers.length} customers…`);
  const connectStart = performance.now();
  const swarm = await MessageSwarm.connect(target, options.agents, options.customers);
  const connectSeconds = round((performance.now() - connectStart) / 1000, 2);
  const steps: (StepRow | SkippedStep)[] = [];
  try {
    // The first messages take the cold paths (JIT, connection pools): not part of any step.
    await swarm.run(Math.min(25, options.rates[0] ?? 25), 2, 5_000);
    let saturatedAt: number | null = null;
    for (const rate of options.rates) {
      if (saturatedAt !== null) {
        steps.push({ rate, skipped: `saturated at ${saturatedAt} msg/s` });
        continue;
      }
      const row = await measuredStep(swarm, rate, options.seconds, options.processes, options.sql);
      say(describeStep(label, row));
      if (row.errorSamples.length > 0) say(`  refusals, e.g.: ${row.errorSamples.join(' | ')}`);
      steps.push(row);
      if (
        (row.latency.p99 ?? Infinity) > SATURATED_P99_MS ||
        row.errors > row.sent * 0.05 ||
        row.achievedRate < rate * 0.8
      )
        saturatedAt = rate;
    }
  } finally {
    swarm.close();
  }
  return { connectSeconds, steps };
}

/** The highest rate whose step delivered everything with p99 ≤ 100 ms (null when none did). */
export function highestRateWithin100ms(steps: (StepRow | SkippedStep)[]): number | null {
  const ok = steps.filter(
    (s): s is StepRow => 'sent' in s && s.errors === 0 && s.latency.p99 !== null && s.latency.p99 <= 100,
  );
  return ok.length > 0 ? Math.max(...ok.map((s) => s.rate)) : null;
}
