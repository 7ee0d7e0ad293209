// A tenant's detection settings: rules switched on or off, threshold overrides, and allow-lists
// (trusted IP ranges, ASNs, service accounts) that the engine applies for every rule that opts in.
// Validated here, where operators set them, with messages that name the offending entry.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Database } from '../schema/db.js';
import type { DetectionSettings, Rule } from '../detections/index.js';
import { sigmaPlaceholderProblems } from '../detections/settings.js';
import { getIntegration } from './repository.js';

const cidr = z.string().refine((v) => {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !isIP(ip)) return false;
  if (bits === undefined) return true;
  const max = isIP(ip) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}, 'must be an IP address or CIDR range such as 203.0.113.0/24');

export const detectionSettingsSchema = z
  .object({
    rules: z
      .record(
        z.string(),
        z.object({ enabled: z.boolean().optional(), threshold: z.number().int().positive().optional() }).strict(),
      )
      .optional(),
    allow: z
      .object({
        ipRanges: z.array(cidr).optional(),
        asns: z.array(z.number().int().nonnegative()).optional(),
        serviceAccounts: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    /** Values of the Sigma placeholders (`%name%` with `expand`) for this tenant; an unset one matches nothing. */
    sigmaPlaceholders: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .superRefine((value, ctx) => {
        for (const message of sigmaPlaceholderProblems(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      }),
  })
  .strict();

export function parseDetectionSettings(value: unknown, rules: readonly Rule[]): DetectionSettings {
  const parsed = detectionSettingsSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`Invalid detection settings:\n${lines.join('\n')}`);
  }
  const known = new Set(rules.map((r) => r.id));
  const unknown = Object.keys(parsed.data.rules ?? {}).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(`Unknown rule id(s) in detection settings: ${unknown.join(', ')}. List the rules with \`npx oort-okta rules list\`.`);
  }
  return parsed.data as DetectionSettings;
}

export async function getDetectionSettings(db: Database, integrationId: string): Promise<DetectionSettings> {
  return ((await getIntegration(db, integrationId)).detectionSettings ?? {}) as DetectionSettings;
}

/**
 * The settings an hourly run evaluates with: the stored ones, and the number of people in the directory (users of the
 * last sync not deprovisioned; 0 before the first), which tenant-wide counts follow (`scaledToTenant`).
 */
export async function detectionSettingsForRun(db: Database, integrationId: string): Promise<DetectionSettings> {
  const stored = await getDetectionSettings(db, integrationId);
  const [{ n }] = await db.$client<{ n: number }[]>`
    select count(*)::int as n from okta_users where integration_id = ${integrationId} and status <> 'DEPROVISIONED'`;
  return { ...stored, tenantUsers: n };
}

export async function setDetectionSettings(db: Database, integrationId: string, settings: DetectionSettings): Promise<void> {
  await getIntegration(db, integrationId);
  await db.$client`update integrations set detection_settings = ${JSON.stringify(settings)}::jsonb, updated_at = now() where id = ${integrationId}`;
}
