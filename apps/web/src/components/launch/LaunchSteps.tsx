import type { BudgetStatus } from '@podpilot/common';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorAlert } from '../shared/ErrorAlert';
import { Section } from '../shared/Section';
import { LaunchForm } from './LaunchForm';
import { OfferPicker } from './OfferPicker';
import { ProfilePicker } from './ProfilePicker';
import type { LaunchProfile } from './useLaunchForm';
import type { OfferSearch } from './useOfferSearch';

interface LaunchStepsProps {
  /** The names of every profile. */
  profiles: string[];
  /** The profile in the address (`?profile=name@version`), or null. */
  wanted: LaunchProfile | null;
  onProfile: (name: string, version: number | null) => void;
  offers: OfferSearch;
  budget: UseQueryResult<BudgetStatus>;
}

/** The launch page's three steps: a profile, a machine, then the options and Launch. */
export function LaunchSteps({ profiles, wanted, onProfile, offers, budget }: LaunchStepsProps) {
  const known = wanted !== null && profiles.includes(wanted.name);
  return (
    <>
      <Section title="1. Profile" description="What the instance installs and runs.">
        <ProfilePicker
          names={profiles}
          name={wanted?.name ?? null}
          version={wanted?.version ?? null}
          onChange={onProfile}
        />
        {wanted && !known ? (
          <ErrorAlert error={new Error(`There is no profile named "${wanted.name}".`)} />
        ) : null}
      </Section>

      <Section
        title="2. Machine"
        description="Offers from every provider you have a key for, cheapest first. local runs the agent on the hub's machine, without a GPU — the way to try PodPilot before renting one."
      >
        <OfferPicker search={offers} maxPricePerHour={budget.data?.budgets.maxPricePerHour ?? null} />
      </Section>

      <Section title="3. Launch" description="Check the price and options, then launch.">
        <LaunchForm profile={known ? wanted : null} offer={offers.chosen} budget={budget} />
      </Section>
    </>
  );
}
