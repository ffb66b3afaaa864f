/**
 * The Vast.ai fake running what it rents (fake-containers.ts): create and start run the instance's
 * container with the environment of the create request (plus `CONTAINER_ID`, as Vast sets it), stop stops it
 * with its disk kept whole (Vast keeps the container's disk on stop), destroy removes it. A container that
 * exits on its own shows `actual_status: "exited"` while `intended_status` stays `running`
 * (shared/provider-apis.md, "Vast.ai"). Test code only.
 */
import { isRecord } from '../json.js';
import type { ContainerRuntime } from './fake-containers.js';
import type { FakeReply, FakeRequest, FakeRoute } from './fake-server.js';
import { FakeVastAi, type FakeVastAiOptions, type VastRoute } from './fake-vastai.js';
import { parseEnv } from './fake-vastai-held.js';

const succeeded = (reply: FakeReply) =>
  reply.status < 300 && !(isRecord(reply.body) && reply.body.success === false);

export class FakeVastAiWithContainers extends FakeVastAi {
  constructor(
    readonly containers: ContainerRuntime,
    options: FakeVastAiOptions = {},
  ) {
    super(options);
    containers.onExit = (id) => this.containerExited(id);
  }

  protected override routes(): FakeRoute<VastRoute>[] {
    return super.routes().map((route) => ({
      ...route,
      handle: (request: FakeRequest) => {
        const reply = route.handle(request);
        if (succeeded(reply)) this.follow(route.name, request, reply);
        return reply;
      },
    }));
  }

  /** What the machine does after Vast accepted a call. */
  private follow(route: VastRoute, request: FakeRequest, reply: FakeReply): void {
    const id = request.params.id ?? '';
    if (route === 'launch' && isRecord(reply.body)) {
      const contract = String(reply.body.new_contract);
      const env = Object.entries(parseEnv(isRecord(request.body) ? request.body.env : null) ?? {});
      const vars = Object.fromEntries(env.filter(([key]) => !key.startsWith('-p ')));
      this.containers.run(contract, { ...vars, CONTAINER_ID: contract });
    } else if (route === 'stop') {
      void this.containers.stop(id);
    } else if (route === 'start') {
      this.containers.run(id);
    } else if (route === 'destroy') {
      void this.containers.remove(id);
    }
  }
}

/** A listening fake whose rentals run in `containers`; `close()` it when done. */
export async function startFakeVastAiWithContainers(
  containers: ContainerRuntime,
  options: FakeVastAiOptions = {},
): Promise<FakeVastAiWithContainers> {
  const fake = new FakeVastAiWithContainers(containers, options);
  await fake.listen();
  return fake;
}
