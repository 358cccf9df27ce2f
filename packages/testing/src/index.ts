export { type ScratchPulse, SERVER_NODE_FLAGS, spawnPulse, startScratchPulse } from './scratch-pulse.js';
