// Hand-written test wheels for pip's offline installs (shared with the agent's unit tests).
export { writeWheel, zip } from '../../apps/agent/src/python/test-support/wheels.js';
