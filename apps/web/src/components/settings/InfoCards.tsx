import { Card, Code } from '../shared/Card';

export function IdlePolicyCard() {
  return (
    <Card className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
      <p>
        Profiles default to <strong>stop after 30 idle minutes</strong>. An instance is idle when nothing
        shows work: no GPU load, no WebUI job, no new output and no client request. A warning goes out before
        it stops, and every output is synced first.
      </p>
      <p>
        Set <Code>idle:</Code> in a profile to change its minutes or action, or override it per instance
        (including “keep awake” for a while) on the instance’s page or with <Code>podpilot idle</Code> and{' '}
        <Code>podpilot keep-awake</Code>.
      </p>
    </Card>
  );
}
