// `oort-okta detect`: the detection catalogue and Sigma rules over an exported events file, offline, as a tool to
// script: exit 0 when something was detected, 1 when nothing was, 2 on any error (like grep); every entry that cannot be
// used is counted by reason in a summary on stderr (and in the json and sarif outputs), and --strict makes one an error.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CliError, toCliError, type ErrorDetails } from '../errors.js';
import { plainAction, positiveInt, type Output } from '../run.js';

const FORMATS = ['jsonl', 'json', 'table', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface DetectOptions {
  file: string;
  sigmaDir?: string[];
  onlySigmaDir?: string[];
  catalogue: boolean;
  format: Format;
  strict?: boolean;
  tenantUsers?: number;
}

/** Skipped entries named one by one on stderr; the summary counts them all. */
const SKIPPED_SHOWN = 10;

/** Every error of `detect` exits 2, as grep's do: 1 means only "nothing detected". */
class DetectError extends CliError {
  override name = 'DetectError';
  override get exitCode(): number {
    return 2;
  }
}

function asDetectError(err: unknown): CliError {
  const e = toCliError(err);
  return e.exitCode === 2 ? e : new DetectError(e.kind, e.message, e.details);
}

// Repeatable options; no default array, so --help shows none.
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const HELP = `
Rules: the catalogue, the Sigma rules of SIGMA_RULES_DIR (default: the shipped sigma-rules) and those of every
--sigma-dir. --only-sigma-dir uses its directories instead of SIGMA_RULES_DIR's; --no-catalogue leaves the built-in
rules out. Two rules with one id, or a Sigma file that does not load, is an error (exit 2).

Input: a JSON array or JSON lines of Okta System Log events (- reads stdin). An entry is used when ingest would store
it: an Okta uuid, a published time in RFC 3339 with an offset (Z or ±hh:mm), an eventType. Skipped entries are
counted by reason: not_json, not_an_object, missing_uuid, published_without_offset (a time without an offset is
refused, never read as local time), bad_published, missing_event_type, nul_character, unpaired_surrogate, too_deep,
duplicate_uuid. The summary goes to stderr:
  1203 entries read, 1198 used, 5 skipped (3 not_json, 2 published_without_offset); 92 rules; 14 detections

Formats (stdout):
  jsonl  (default) one JSON object per detection: rule_id, severity, title, dedupe_key, subject_user, count,
         evidence_uuids, first_event_at, last_event_at (always in this order)
  json   one document {"summary": {...}, "detections": [...]}; the default with --json
  table  aligned columns for reading: severity, rule, subject, count, first and last seen, title
  sarif  SARIF 2.1.0: the rules run (runbook as help, severity and ATT&CK tags), one result per detection
         (level: critical/high error, medium warning, low/info note; logical location: the subject), the summary
         in runs[0].properties

Exit codes (like grep): 0 something was detected, 1 nothing was detected, 2 error (usage, unreadable file, rules
that do not load, a skipped entry with --strict).`;

export function detectCommand(program: Command): void {
  program
    .command('detect')
    .description('run the detection catalogue and Sigma rules over a file of Okta System Log events (JSON array or JSON lines). Needs no Temporal or database')
    .requiredOption('--file <path>', 'the events file (- for stdin)')
    .option('--sigma-dir <dir>', 'also load the Sigma rules of this directory (repeatable)', collect)
    .option('--only-sigma-dir <dir>', 'load the Sigma rules of this directory instead of SIGMA_RULES_DIR (repeatable)', collect)
    .option('--no-catalogue', 'leave the built-in rule catalogue out (Sigma rules only)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('jsonl'))
    .option('--strict', 'exit 2 when any entry of the file is skipped (nothing is detected then)')
    .option('--tenant-users <n>', "people in the org's directory, as the hourly run reads them: tenant-wide counts grow with it above 5,000", positiveInt)
    .addHelpText('after', HELP)
    .action(
      plainAction(async (out: Output, opts: DetectOptions, cmd: Command) => {
        try {
          // With --json and no --format, the JSON document.
          const format: Format = out.json && cmd.getOptionValueSource('format') === 'default' ? 'json' : opts.format;
          await detect(opts, format);
        } catch (err) {
          throw asDetectError(err);
        }
      }),
    );
}

async function detect(opts: DetectOptions, format: Format): Promise<void> {
  // No CliContext: this command must work without a database or Temporal.
  const [{ loadConfig }, offline, { toSarif }, { table, time }] = await Promise.all([
    import('../../lib/config.js'),
    import('../../detections/run/offline.js'),
    import('../../detections/run/sarif.js'),
    import('../format.js'),
  ]);
  // SIGMA_RULES_DIR alone is read from the environment: nothing else of the configuration matters here.
  const configured = opts.onlySigmaDir ?? [loadConfig({ SIGMA_RULES_DIR: process.env.SIGMA_RULES_DIR }).SIGMA_RULES_DIR];
  const sigmaDirs = [...configured, ...(opts.sigmaDir ?? [])].filter((d) => d !== '');
  const ruleSet = offline.loadOfflineRules({ catalogue: opts.catalogue, sigmaDirs });
  if (ruleSet.errors.length > 0) {
    for (const e of ruleSet.errors) console.error(`Sigma rule not loaded: ${e}`);
    // A copy of a shipped rule changed and added with --sigma-dir clashes with the original.
    const hint = ruleSet.errors.some((e) => e.includes('has the same id')) ? '; to use changed copies of the shipped rules, use --only-sigma-dir' : '';
    throw new DetectError('failure', `${ruleSet.errors.length} Sigma rule(s) did not load (listed above); fix or remove those files${hint}`, {
      reason: 'rules_not_loaded',
    });
  }

  const input = offline.parseEventsFile(readInput(opts.file));
  for (const s of input.skipped.slice(0, SKIPPED_SHOWN)) console.error(`skipped ${s.where} (${s.reason}): ${s.detail}`);
  if (input.skipped.length > SKIPPED_SHOWN) console.error(`… and ${input.skipped.length - SKIPPED_SHOWN} more skipped entries (counted below)`);
  if (opts.strict && input.skipped.length > 0) {
    const summary = offline.offlineSummary(input, ruleSet, opts.catalogue, null);
    console.error(offline.summaryLine(summary));
    const details: ErrorDetails = { reason: 'skipped_entries', skipped_by_reason: summary.skipped_by_reason };
    throw new DetectError('failure', `--strict: ${input.skipped.length} of ${input.entries} entries skipped; nothing was run`, details);
  }

  const detections = await offline.detectOffline(ruleSet.rules, input.events, opts.tenantUsers ? { tenantUsers: opts.tenantUsers } : {});
  const summary = offline.offlineSummary(input, ruleSet, opts.catalogue, detections.length);
  const records = detections.map(offline.detectionRecord);
  if (format === 'jsonl') {
    for (const r of records) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ summary, detections: records }, null, 2)}\n`);
  } else if (format === 'table') {
    const rows = detections.map((d) => [d.severity, d.ruleId, offline.subjectOf(d), d.count, time(d.firstEventAt), time(d.lastEventAt), d.title]);
    if (rows.length > 0) process.stdout.write(`${table(['SEVERITY', 'RULE', 'SUBJECT', 'COUNT', 'FIRST', 'LAST', 'TITLE'], rows, '')}\n`);
  } else {
    const sarif = toSarif({ toolVersion: packageVersion(), rules: ruleSet.rules, detections, summary, skipped: input.skipped });
    process.stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
  }
  console.error(offline.summaryLine(summary));
  // grep's convention: 1 says "nothing found", not that something failed, so no error line goes with it.
  process.exitCode = detections.length > 0 ? 0 : 1;
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new DetectError('failure', `cannot read ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`, { reason: 'unreadable_file' });
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
