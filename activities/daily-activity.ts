// The daily Activity table: one day's rows, and asking the Schedule to write the backfilled days.
import { Context } from '@temporalio/activity';
import { writeActivityForDay } from '../user-activity/daily.js';
import { backfillSchedule } from '../temporal/schedules.js';
import type { DailyActivityResult, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

export function dailyActivityActivities(deps: ActivityDeps) {
  const now = () => deps.now?.() ?? new Date();
  return {
    async writeDailyActivity({ integrationId, day }: IntegrationRef & { day: string }): Promise<DailyActivityResult> {
      const result = await writeActivityForDay(deps.db, integrationId, day);
      return { day, ...result };
    },
    /**
     * Asks the daily-Activity Schedule to run for each backfilled day (a run at a day's 00:30 slot writes the day
     * before), so Activity has the same history as the events.
     */
    async backfillDailyActivity({ integrationId, since }: IntegrationRef & { since: string | null }): Promise<{ days: number }> {
      if (!since) return { days: 0 };
      const firstSlotDay = new Date(since);
      firstSlotDay.setUTCHours(24, 0, 0, 0);
      const end = now();
      if (firstSlotDay >= end) return { days: 0 };
      await backfillSchedule(Context.current().client, 'daily-activity', integrationId, firstSlotDay, end);
      return { days: Math.ceil((end.getTime() - firstSlotDay.getTime()) / 86_400_000) };
    },
  };
}
