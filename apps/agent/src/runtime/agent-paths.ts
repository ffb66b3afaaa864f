import { join } from 'node:path';

/** Agent files inside the workspace: state (token, unsent events), the model cache, snapshot hash memo. */
export const agentPaths = (workspace: string) => ({
  stateFile: join(workspace, '.podpilot', 'agent.json'),
  cacheDir: join(workspace, '.podpilot', 'cache'),
  webuiPidFile: join(workspace, '.podpilot', 'webui.pid'),
  snapshotHashes: join(workspace, '.podpilot', 'snapshot-hashes.json'),
});
export type AgentPaths = ReturnType<typeof agentPaths>;
