// Every workflow the worker runs. Workflow code is deterministic: no I/O, only activities.
export { onboarding } from './onboarding.js';
export { hourlyAnalysis } from './hourly-analysis.js';
export { dailyActivity } from './daily-activity.js';
export { directorySync } from './directory-sync.js';
export { refreshUser } from './refresh-user.js';
export { databaseMaintenance } from './database-maintenance.js';
