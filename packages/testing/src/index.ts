export { type ScratchPulse, startScratchPulse } from './scratch-pulse.js';
