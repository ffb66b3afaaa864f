import { Link } from '@tanstack/react-router';
import type { PageSections } from '../../lib/instance-page';
import type { LogViewLine } from '../../lib/log-view';
import { profileRef } from '../../lib/profiles';
import { Section } from '../shared/Section';
import { buttonLink } from '../shared/styles';
import { ActivityCharts } from './ActivityCharts';
import { IdlePanel } from './IdlePanel';
import { LogsPanel } from './LogsPanel';
import { RecentOutputs } from './RecentOutputs';
import { SnapshotPanel } from './SnapshotPanel';
import { SyncFacts } from './SyncFacts';
import { Timeline } from './Timeline';
import type { InstanceView } from './useInstanceView';

/**
 * The instance page below its header, only what applies to its state (`sections`): idle stopping, output
 * sync, snapshot, activity, outputs, then always the log and the state history.
 */
export function InstanceSections({
  id,
  instance: i,
  sections,
  log,
  now,
}: {
  id: string;
  instance: InstanceView;
  sections: PageSections;
  log: { lines: LogViewLine[]; loaded: boolean };
  now: number;
}) {
  return (
    <>
      {sections.idle ? (
        <Section
          title="Idle stopping"
          description="Stops (or destroys) the instance when nothing works on it."
        >
          <IdlePanel
            key={`${i.activity?.policy.source}-${i.activity?.policy.minutes}`}
            instanceId={id}
            activity={i.activity}
            now={now}
          />
        </Section>
      ) : null}

      {i.sync && i.state !== 'destroyed' ? (
        <Section title="Output sync">
          <SyncFacts sync={i.sync} />
        </Section>
      ) : null}

      {sections.snapshot ? (
        <Section
          title="Snapshot"
          description="Capture what runs on the instance into a profile version, to launch it again."
        >
          <SnapshotPanel instanceId={id} running profileName={i.profile?.name ?? null} now={now} />
        </Section>
      ) : null}

      {sections.activity ? (
        <Section title="Activity" description="GPU use and VRAM, one sample a minute.">
          <ActivityCharts instanceId={id} />
        </Section>
      ) : null}

      {sections.outputs ? (
        <Section title="Recent outputs">
          <RecentOutputs instanceId={id} />
        </Section>
      ) : null}

      <Section title="Log">
        <LogsPanel
          instanceName={i.name}
          lines={log.lines}
          loaded={log.loaded}
          following={sections.followLog}
        />
      </Section>

      <Section title="State history">
        <Timeline instanceId={id} />
      </Section>
    </>
  );
}

/** Launch the same profile version again (the launch page, with it chosen: pick an offer there). */
export function Relaunch({ instance: i }: { instance: InstanceView }) {
  if (!i.profile) return null;
  return (
    <Link
      to="/launch"
      search={{ profile: profileRef(i.profile.name, i.profile.version) }}
      className={buttonLink('primary')}
    >
      Launch {i.profile.name}@{i.profile.version} again
    </Link>
  );
}
