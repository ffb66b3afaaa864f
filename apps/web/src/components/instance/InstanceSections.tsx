import { isActive, isRunning } from '../../lib/live';
import { Section } from '../shared/Section';
import { ActivityCharts } from './ActivityCharts';
import { IdlePanel } from './IdlePanel';
import { LogsPanel } from './LogsPanel';
import { RecentOutputs } from './RecentOutputs';
import { SnapshotPanel } from './SnapshotPanel';
import { SyncFacts } from './SyncFacts';
import { Timeline } from './Timeline';
import type { InstanceView } from './useInstanceView';

/** The instance page below its header: idle stopping, output sync, snapshot, activity, outputs, log, history. */
export function InstanceSections({
  id,
  instance: i,
  now,
}: {
  id: string;
  instance: InstanceView;
  now: number;
}) {
  return (
    <>
      <Section title="Idle stopping" description="Stops (or destroys) the instance when nothing works on it.">
        <IdlePanel
          key={`${i.activity?.policy.source}-${i.activity?.policy.minutes}`}
          instanceId={id}
          activity={i.activity}
          now={now}
        />
      </Section>

      {i.sync ? (
        <Section title="Output sync">
          <SyncFacts sync={i.sync} />
        </Section>
      ) : null}

      <Section
        title="Snapshot"
        description="Capture what runs on the instance into a profile version, to launch it again."
      >
        <SnapshotPanel
          instanceId={id}
          running={isRunning(i.state)}
          profileName={i.profile?.name ?? null}
          now={now}
        />
      </Section>

      <Section title="Activity" description="GPU use and VRAM, one sample a minute.">
        <ActivityCharts instanceId={id} />
      </Section>

      <Section title="Recent outputs">
        <RecentOutputs instanceId={id} />
      </Section>

      <Section title="Log">
        <LogsPanel instanceId={id} active={isActive(i.state) || i.state === 'stopping'} />
      </Section>

      <Section title="State history">
        <Timeline instanceId={id} />
      </Section>
    </>
  );
}
