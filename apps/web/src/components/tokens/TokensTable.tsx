import type { ApiTokenSummary } from '@podpilot/common';
import { useState } from 'react';
import { useRevokeToken } from '../../api/tokens';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { RelativeTime } from '../shared/RelativeTime';
import { cell, Table } from '../shared/Table';

export function TokensTable({ tokens }: { tokens: ApiTokenSummary[] }) {
  const revoke = useRevokeToken();
  return (
    <div className="space-y-3">
      <ErrorAlert error={revoke.error} />
      <Table
        caption="API tokens"
        head={['Name', 'Token', 'Created', 'Last used', 'Status', { label: 'Actions', srOnly: true }]}
      >
        {tokens.map((token) => (
          <tr key={token.id} className={token.revokedAt ? 'text-slate-400 dark:text-slate-500' : undefined}>
            <td className={`${cell} font-medium`}>{token.name}</td>
            <td className={`${cell} font-mono text-xs`}>{token.prefix}…</td>
            <td className={cell}>
              <RelativeTime iso={token.createdAt} />
            </td>
            <td className={cell}>{token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : 'never'}</td>
            <td className={cell}>
              {token.revokedAt ? (
                <span>
                  Revoked <RelativeTime iso={token.revokedAt} />
                </span>
              ) : (
                <span className="text-emerald-700 dark:text-emerald-400">Active</span>
              )}
            </td>
            <td className={`${cell} text-right`}>
              {token.revokedAt ? null : (
                <RevokeButton
                  name={token.name}
                  busy={revoke.isPending && revoke.variables === token.id}
                  onConfirm={() => revoke.mutate(token.id)}
                />
              )}
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

/** Revoking cannot be undone, so it takes a second, explicit click. */
function RevokeButton({ name, busy, onConfirm }: { name: string; busy: boolean; onConfirm: () => void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Button variant="danger" aria-label={`Revoke token ${name}`} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <Button
        variant="danger"
        busy={busy}
        busyLabel="Revoking…"
        aria-label={`Confirm: revoke token ${name}`}
        onClick={onConfirm}
        autoFocus
      >
        Confirm revoke
      </Button>
      <Button variant="ghost" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </span>
  );
}
