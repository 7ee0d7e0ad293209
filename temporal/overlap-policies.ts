// Temporal's Schedule overlap policies by the names the Temporal UI and CLI use, mapped to the SDK's values.
import type { ScheduleOverlapPolicy } from '@temporalio/client';

export const OVERLAP_POLICIES = {
  Skip: 'SKIP',
  BufferOne: 'BUFFER_ONE',
  BufferAll: 'BUFFER_ALL',
  CancelOther: 'CANCEL_OTHER',
  TerminateOther: 'TERMINATE_OTHER',
  AllowAll: 'ALLOW_ALL',
} as const satisfies Record<string, ScheduleOverlapPolicy>;
export type OverlapPolicyName = keyof typeof OVERLAP_POLICIES;
export const OVERLAP_POLICY_NAMES = Object.keys(OVERLAP_POLICIES) as OverlapPolicyName[];

export function overlapPolicyName(policy: ScheduleOverlapPolicy | undefined): string {
  const entry = Object.entries(OVERLAP_POLICIES).find(([, v]) => v === policy);
  return entry?.[0] ?? String(policy ?? 'unspecified');
}
