import type { ProfileDiffResponse } from '@podpilot/common';
import { Section } from '../shared/Section';
import { ProfileChanges, UnifiedDiff } from './ProfileDiffView';

/** Two versions compared: "the same", or the changes section by section and the YAML diff. */
export function DiffResult({ name, diff }: { name: string; diff: ProfileDiffResponse }) {
  if (diff.changes.length === 0)
    return (
      <p
        role="status"
        className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900"
      >
        Versions {diff.from} and {diff.to} are the same.
      </p>
    );
  return (
    <>
      <Section
        title="Changes"
        description={`${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'}, section by section.`}
      >
        <ProfileChanges diff={diff} />
      </Section>
      <Section title="YAML diff" description="The two canonical YAMLs, line by line.">
        <UnifiedDiff
          unified={diff.unified}
          label={`Unified diff of ${name} from version ${diff.from} to ${diff.to}`}
        />
      </Section>
    </>
  );
}
