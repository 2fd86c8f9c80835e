export { RotationManager } from './manager.js';
export {
  type ScheduledRotation,
  type ScheduledRotationReport,
  type ScheduleRotationOptions,
  scheduleRotation,
} from './schedule.js';
export type * from './types.js';
