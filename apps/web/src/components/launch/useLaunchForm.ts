import { type BudgetStatus, LaunchRequest, type OfferSummary } from '@podpilot/common';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useLaunch } from '../../api/launch';
import { budgetImpact, launchBlocked } from '../../lib/budget-impact';
import { profileRef } from '../../lib/profiles';

export type LaunchProfile = { name: string; version: number | null };

/** The launch form's fields, checked with the hub's own rules (`LaunchRequest`), and its submit. */
export function useLaunchForm(
  profile: LaunchProfile | null,
  offer: OfferSummary | null,
  budget: BudgetStatus | undefined,
) {
  const navigate = useNavigate();
  const launch = useLaunch();
  const [name, setName] = useState('');
  const [disk, setDisk] = useState('60');
  const [relaunch, setRelaunch] = useState(1);

  // The hub's own rules (LaunchRequest), said in the user's words.
  const nameError =
    name !== '' && !LaunchRequest.shape.name.safeParse(name).success
      ? 'Lowercase letters, digits and dashes, at most 63'
      : undefined;
  const diskGb = Number(disk);
  const diskError = !LaunchRequest.shape.diskGb.safeParse(diskGb).success
    ? 'A whole number of GB from 10 to 2000'
    : undefined;
  const diskHint =
    offer && offer.provider !== 'local' && offer.diskGb !== null
      ? `This offer has up to ${Math.round(offer.diskGb)} GB`
      : 'Room for the UI, models and outputs';
  const blocked = offer && budget ? launchBlocked(budgetImpact(budget, offer.pricePerHour)) : false;
  const missing = !profile ? 'Choose a profile above.' : !offer ? 'Choose an offer above.' : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!profile || !offer || nameError || diskError) return;
    launch
      .launch({
        profile: profileRef(profile.name, profile.version),
        provider: offer.provider,
        ...(offer.provider === 'local' ? {} : { offerId: offer.id }),
        ...(name ? { name } : {}),
        diskGb,
        relaunch,
      })
      .then((instance) => navigate({ to: '/instances/$id', params: { id: instance.id } }))
      .catch(() => {
        // Shown below from the mutation's state.
      });
  };

  const fields = { name, setName, nameError, disk, setDisk, diskError, diskHint, relaunch, setRelaunch };
  return { fields, launch, blocked, missing, submit };
}

export type LaunchFields = ReturnType<typeof useLaunchForm>['fields'];
