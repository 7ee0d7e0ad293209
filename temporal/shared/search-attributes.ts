// Custom search attributes on every workflow and Schedule, so operators can filter by tenant and
// integration in the Temporal UI. Values are ids only: search attributes are not encrypted.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TenantId = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const IntegrationId = defineSearchAttributeKey('IntegrationId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [TenantId, IntegrationId] as const;

/** Set by the server on runs started by a Schedule (or its backfill): the slot's time. */
export const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
