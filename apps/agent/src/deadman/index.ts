export { type DeadManState, DeadManSwitch, type DeadManSwitchOptions } from './dead-man-switch.js';
export {
  DEFAULT_RUNPOD_URL,
  DEFAULT_VASTAI_URL,
  SelfStopError,
  type SelfStopMethod,
  type SelfStopOptions,
  selfStopMethod,
} from './self-stop.js';
