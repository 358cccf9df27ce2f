export { type ScratchPulse, spawnPulse, startScratchPulse } from './scratch-pulse.js';
