/** The configured tunnels with their state and, for operators, "initiate". */
import { useState } from 'react';
import { NoData } from '../../../components/ui/async-content.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { StatusBadge } from '../../../components/ui/status-badge.tsx';
import type { TunnelStatusView } from '../../../lib/api-types.ts';
import { describeError } from '../../../lib/http-client.ts';
import { initiateTunnel } from '../api/sas-api.ts';

export function TunnelActionsTable({ tunnels, selected, onChanged }: { tunnels: TunnelStatusView[]; selected: string; onChanged: () => void }) {
  const [messages, setMessages] = useState<Record<string, string>>({});
  if (tunnels.length === 0) return <NoData text="No tunnels configured yet." />;

  async function initiate(name: string) {
    try {
      const answer = await initiateTunnel(name);
      setMessages((m) => ({ ...m, [name]: answer.message }));
      onChanged();
    } catch (error) {
      setMessages((m) => ({ ...m, [name]: describeError(error) }));
    }
  }

  return (
    <table className="grid" data-testid="tunnel-actions">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Tunnel</th>
          <th>Remote</th>
          <th>State</th>
          <th className="num">IKE SAs</th>
          <th className="num">CHILD_SAs</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {tunnels.map((tunnel, index) => (
          <tr key={tunnel.name} className={tunnel.name === selected ? 'selected' : undefined} data-tunnel={tunnel.name}>
            <td className="num">{index + 1}</td>
            <td>{tunnel.name}</td>
            <td className="mono">{tunnel.remote}</td>
            <td>
              <StatusBadge tone={tunnel.state === 'up' ? 'ok' : tunnel.state === 'connecting' ? 'warn' : 'muted'}>{tunnel.state}</StatusBadge>
            </td>
            <td className="num">{tunnel.ikeSaCount}</td>
            <td className="num">{tunnel.childSaCount}</td>
            <td>
              <RoleGate role="operator">
                <button type="button" onClick={() => void initiate(tunnel.name)} data-testid="initiate-tunnel">
                  Initiate
                </button>
              </RoleGate>
              {messages[tunnel.name] ? <span className="muted small"> {messages[tunnel.name]}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
