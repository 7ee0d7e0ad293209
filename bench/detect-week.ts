// Part (b) of the detection benchmark, printed: the detections a tenant would be sent over a benign week,
// per UTC day and rule, the high/critical ones named, and evidence of the noisiest rules.
import type { OktaLogEvent, Rule } from '../detections/index.js';
import type { MergedDetection } from '../detections/run/merge.js';
import { byRule, describeEvent, fmt, isHighOrCritical, log, severities, table } from './detect-report.js';
import { DAY_MS } from './detect-traffic.js';

export interface WeekInput {
  rules: readonly Rule[];
  week: readonly OktaLogEvent[];
  weekStart: number;
  /** Hourly runs after the warm-up (a tenant in its steady state): the table's days. */
  steady: readonly MergedDetection[];
  /** Hourly runs over the week alone, from empty state (a tenant's first week). */
  newTenant: readonly MergedDetection[];
  /** One evaluateRun over the week. */
  onePass: readonly MergedDetection[];
  warmupDays: number;
}

export function benignWeekReport(input: WeekInput) {
  const { weekStart } = input;
  const days = Array.from({ length: 7 }, (_, i) => new Date(weekStart + i * DAY_MS));
  const labels = days.map((d) => `${d.toUTCString().slice(0, 3)} ${d.toISOString().slice(8, 10)}`);
  // A detection counts on the day of its first event; one that began in the warm-up counts on day one.
  const dayOf = (d: MergedDetection) => Math.min(6, Math.max(0, Math.floor((Date.parse(d.firstEventAt) - weekStart) / DAY_MS)));
  const perDay = (list: readonly MergedDetection[]) => {
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (const d of list) counts[dayOf(d)]++;
    return counts;
  };
  const steady = byRule(input.steady);
  const newTenant = byRule(input.newTenant);
  const pass = byRule(input.onePass);
  const noisy = input.rules
    .filter((r) => steady.has(r.id) || newTenant.has(r.id) || pass.has(r.id))
    .map((r) => ({ id: r.id, list: steady.get(r.id) ?? [] }))
    .sort((a, b) => b.list.length - a.list.length || a.id.localeCompare(b.id));

  log('');
  log(`  detections per UTC day per rule: hourly runs after ${input.warmupDays} warm-up days (what a tenant in its steady state is sent);`);
  log('  "first week" = the same runs from empty state (a new tenant); "one pass" = one evaluateRun over the week');
  const count = (m: Map<string, MergedDetection[]>, id: string) => fmt(m.get(id)?.length ?? 0);
  table(
    ['rule', 'severity', ...labels, 'week', 'first week', 'one pass'],
    [
      ...noisy.map((n) => [n.id, severities([...n.list, ...(newTenant.get(n.id) ?? []), ...(pass.get(n.id) ?? [])]), ...perDay(n.list).map((c) => fmt(c)), fmt(n.list.length), count(newTenant, n.id), count(pass, n.id)]),
      ['all rules', severities(input.steady), ...perDay(input.steady).map((c) => fmt(c)), fmt(input.steady.length), fmt(input.newTenant.length), fmt(input.onePass.length)],
    ],
  );

  const serious = (list: readonly MergedDetection[]) => byRule(list.filter((d) => isHighOrCritical(d.severity)));
  const named = (m: Map<string, MergedDetection[]>) => [...m].map(([id, l]) => `${id} ×${l.length}`).join(', ');
  const steadySerious = serious(input.steady);
  const newSerious = serious(input.newTenant);
  const total = (m: Map<string, MergedDetection[]>) => [...m.values()].reduce((s, l) => s + l.length, 0);
  log('');
  log(`  BENIGN WEEK: ${total(steadySerious)} high/critical detection(s) in the steady state${steadySerious.size ? ` (${named(steadySerious)})` : ''}; ` +
    `${total(newSerious)} in a new tenant's first week${newSerious.size ? ` (${named(newSerious)})` : ''}`);

  // Evidence: every rule with a high/critical detection, then the three noisiest others.
  const byUuid = new Map(input.week.map((e) => [e.uuid, e]));
  const seriousIds = new Set([...steadySerious.keys(), ...newSerious.keys()]);
  const explain = [...seriousIds, ...noisy.map((n) => n.id).filter((id) => !seriousIds.has(id)).slice(0, 3)];
  for (const id of explain) {
    const list = steady.get(id)?.length ? steady.get(id)! : (newTenant.get(id) ?? pass.get(id) ?? []);
    log('');
    log(`  ${id} (${severities(list)}, ${list.length} in the week): examples`);
    for (const d of list.slice(0, 2)) {
      log(`    ${d.dedupeKey}  ${d.firstEventAt} … ${d.lastEventAt}  count ${d.count}${d.subjectUser ? `  subject ${d.subjectUser}` : ''}`);
      for (const u of d.evidenceUuids.slice(0, 3)) {
        const e = byUuid.get(u);
        log(`      ${e ? describeEvent(e) : `${u} (a warm-up event)`}`);
      }
    }
  }

  return {
    events: input.week.length,
    detections: input.steady.length,
    perRulePerDay: Object.fromEntries(noisy.map((n) => [n.id, perDay(n.list)])),
    highOrCritical: total(steadySerious),
    highOrCriticalRules: [...steadySerious.keys()],
    newTenantHighOrCritical: total(newSerious),
    newTenantHighOrCriticalRules: [...newSerious.keys()],
  };
}
