/**
 * The web app's part of the endpoint catalogue (everything but the agent protocol, whose schemas then stay
 * out of the page's bundle).
 */
export { ownerEndpoints as endpoints } from '@podpilot/common';
