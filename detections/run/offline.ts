// Trying rules offline: the catalogue (and loaded Sigma rules) over a file of raw Okta System Log
// events — a JSON array or JSON lines, as exported from Okta — with no Temporal and no database.
// It runs exactly what the hourly run runs: the same rule set, engine and merging.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalogue, typeMatches, type DetectionSettings, type OktaLogEvent, type Rule } from '../index.js';
import { loadSigmaSources, ruleFiles, type SigmaSource } from '../sigma/index.js';
import { mergeMatches, type MergedDetection } from './merge.js';
import type { ParsedEvents, SkipReason } from './offline-input.js';
import { passStateInMemory, runDetectionPass, type EventSource } from './pass.js';

export { EventsFileError, parseEventsFile, SKIP_REASONS, type ParsedEvents, type SkipReason, type SkippedEntry } from './offline-input.js';

/** Where the rules come from: the catalogue or not, and Sigma directories (the configured or replacing ones first). */
export interface OfflineRuleSources {
  catalogue: boolean;
  sigmaDirs: readonly string[];
}

export interface OfflineRules {
  rules: Rule[];
  /** The Sigma directories loaded, resolved, each once. */
  sigmaDirs: string[];
  /** Rules that did not load or clash: each names its file (or directory) and what is wrong. */
  errors: string[];
}

/** A Sigma directory that cannot be read at all. */
export class RulesDirectoryError extends Error {
  override name = 'RulesDirectoryError';
}

/**
 * The rules of an offline run: the catalogue (unless left out), then the Sigma files of every directory loaded
 * together, as one directory, so a filter or correlation in an added directory may name a shipped rule. With one
 * directory this is exactly the hourly run's rule set (`loadRuleSet`). Two rules with one id are an error (the
 * loader names both files), never a silent override.
 */
export function loadOfflineRules(sources: OfflineRuleSources): OfflineRules {
  const dirs = [...new Set(sources.sigmaDirs.map((d) => resolve(d)))];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new RulesDirectoryError(`Sigma rules directory ${dir} does not exist`);
    if (!statSync(dir).isDirectory()) throw new RulesDirectoryError(`Sigma rules directory ${dir} is not a directory`);
  }
  const rules: Rule[] = sources.catalogue ? [...catalogue] : [];
  const errors: string[] = [];
  if (dirs.length > 0) {
    const texts: SigmaSource[] = [];
    for (const file of dirs.flatMap(ruleFiles)) {
      try {
        texts.push({ file, text: readFileSync(file, 'utf8') });
      } catch (err) {
        errors.push(`${file}: could not be read: ${(err as Error).message}`);
      }
    }
    const sigma = loadSigmaSources(texts);
    errors.push(...sigma.errors.map((e) => e.message));
    const ids = new Set(rules.map((r) => r.id));
    for (const rule of sigma.rules) {
      if (ids.has(rule.id)) errors.push(`Sigma rule ${rule.id} has the id of a catalogue rule`);
      else rules.push(rule);
    }
  }
  return { rules, sigmaDirs: dirs, errors };
}

/** What an offline run read and found: on stderr as one line, and in the JSON and SARIF outputs. */
export interface OfflineSummary {
  entries_read: number;
  events_used: number;
  skipped: number;
  skipped_by_reason: Partial<Record<SkipReason, number>>;
  rules: number;
  catalogue: boolean;
  sigma_dirs: string[];
  /** null when nothing was run (--strict refused the file). */
  detections: number | null;
}

export function offlineSummary(input: ParsedEvents, rules: OfflineRules, catalogueUsed: boolean, detections: number | null): OfflineSummary {
  return {
    entries_read: input.entries,
    events_used: input.events.length,
    skipped: input.skipped.length,
    skipped_by_reason: input.skippedByReason,
    rules: rules.rules.length,
    catalogue: catalogueUsed,
    sigma_dirs: rules.sigmaDirs,
    detections,
  };
}

/** "1203 entries read, 1198 used, 5 skipped (3 not_json, 2 published_without_offset); 87 rules; 14 detections" */
export function summaryLine(s: OfflineSummary): string {
  const reasons = Object.entries(s.skipped_by_reason).map(([reason, n]) => `${n} ${reason}`);
  const skipped = s.skipped > 0 ? `, ${s.skipped} skipped (${reasons.join(', ')})` : ', 0 skipped';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const found = s.detections === null ? '' : `; ${count(s.detections, 'detection', 'detections')}`;
  return `${count(s.entries_read, 'entry', 'entries')} read, ${s.events_used} used${skipped}; ${count(s.rules, 'rule', 'rules')}${found}`;
}

/**
 * Every event is new and nothing is remembered, as in a tenant's first hourly run: the same detection pass
 * (chunks, look-back, clock, rule state carried between chunks) over the file instead of the database.
 */
export async function detectOffline(
  rules: readonly Rule[],
  events: readonly OktaLogEvent[],
  settings: DetectionSettings = {},
): Promise<MergedDetection[]> {
  const pass = await runDetectionPass(rules, eventsInMemory(events), passStateInMemory(), { settings });
  return mergeMatches(pass.matches);
}

const MINUTE = 60_000;

/**
 * Events in memory as the detection pass reads them. `isNewEvent` says which belong to the run being evaluated
 * (default: all of them, as for a file).
 */
export function eventsInMemory(all: readonly OktaLogEvent[], isNewEvent: (e: OktaLogEvent) => boolean = () => true): EventSource {
  const timed = all
    .map((event) => ({ event, at: Date.parse(event.published) }))
    .filter((e) => !Number.isNaN(e.at))
    .sort((a, b) => a.at - b.at);
  return {
    async newEventMinutes() {
      const minutes: Array<{ start: number; n: number }> = [];
      for (const { event, at } of timed) {
        if (!isNewEvent(event)) continue;
        const minute = Math.floor(at / MINUTE) * MINUTE;
        const last = minutes[minutes.length - 1];
        if (last?.start === minute) last.n++;
        else minutes.push({ start: minute, n: 1 });
      }
      return minutes;
    },
    async watermark() {
      return timed.length > 0 ? timed[timed.length - 1].at : undefined;
    },
    async load(groups, newFrom, newTo, relevant) {
      const events: OktaLogEvent[] = [];
      const fresh = new Set<string>();
      for (const group of groups) {
        // The events are in time order: each group reads only its own range (a chunk is read in several groups).
        for (let i = firstAtOrAfter(timed, group.from); i < timed.length && timed[i].at < group.to; i++) {
          const { event, at } = timed[i];
          if (!group.eventTypes.some((pattern) => typeMatches(String(event.eventType), pattern))) continue;
          if (!relevant(event, isNewEvent(event))) continue;
          events.push(event);
          if (at >= newFrom && at < newTo && isNewEvent(event)) fresh.add(event.uuid);
        }
      }
      return { events, isNew: (e) => fresh.has(e.uuid) };
    },
  };
}

/** The index of the first of `timed` (ascending by `at`) at or after `at`. */
function firstAtOrAfter(timed: ReadonlyArray<{ at: number }>, at: number): number {
  let lo = 0;
  let hi = timed.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timed[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A detection in the field names analysts and the webhook use, always in this order (the jsonl and json outputs). */
export function detectionRecord(d: MergedDetection) {
  return {
    rule_id: d.ruleId,
    severity: d.severity,
    title: d.title,
    dedupe_key: d.dedupeKey,
    subject_user: d.subjectUser,
    count: d.count,
    evidence_uuids: d.evidenceUuids,
    first_event_at: d.firstEventAt,
    last_event_at: d.lastEventAt,
  };
}

/** One JSON line per detection. */
export function detectionLine(d: MergedDetection): string {
  return JSON.stringify(detectionRecord(d));
}

/** Who or what a detection is about: the subject user's login, else the group key of its dedupe key (`ip:…`). */
export function subjectOf(d: MergedDetection): string {
  if (d.subjectUser) return d.subjectUser;
  return d.dedupeKey.startsWith(`${d.ruleId}:`) ? d.dedupeKey.slice(d.ruleId.length + 1) : d.dedupeKey;
}
