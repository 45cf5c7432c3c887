/**
 * SAs & tunnels. URL: ?tunnel= (pre-filter), ike.sort / ike.q / ike.hide,
 * child.sort / child.q / child.hide.
 */
import { Panel } from '../../../components/ui/panel.tsx';
import { PingForm } from '../../../components/ui/ping-form.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { pingThroughTunnel } from '../api/sas-api.ts';
import { useQueryParam } from '../../../lib/use-query-state.ts';
import { useSaTables } from '../hooks/use-sa-tables.ts';
import { ChildSaTable } from './child-sa-table.tsx';
import { IkeSaTable } from './ike-sa-table.tsx';
import { TunnelActionsTable } from './tunnel-actions-table.tsx';

export function SasPage() {
  const tables = useSaTables();
  const [tunnel, setTunnel] = useQueryParam('tunnel');
  const ikeSas = tables.ikeSas?.filter((sa) => tunnel === '' || sa.tunnel === tunnel) ?? null;
  const childSas = tables.childSas?.filter((sa) => tunnel === '' || sa.tunnel === tunnel) ?? null;
  return (
    <div className="page sas-page" data-testid="sas">
      {tables.error ? <p className="state-error">{tables.error}</p> : null}
      {tunnel !== '' ? (
        <p>
          Showing tunnel <strong>{tunnel}</strong>{' '}
          <button type="button" className="link-button" onClick={() => setTunnel('')}>
            show all
          </button>
        </p>
      ) : null}
      <Panel title="Tunnels">
        {tables.tunnels === null ? <p className="state-loading">Loading…</p> : <TunnelActionsTable tunnels={tables.tunnels} selected={tunnel} onChanged={tables.reload} />}
      </Panel>
      <Panel title="IKE SAs">{ikeSas === null ? <p className="state-loading">Loading…</p> : <IkeSaTable items={ikeSas} onChanged={tables.reload} />}</Panel>
      <Panel title="CHILD_SAs (IPsec SAs)">
        {childSas === null ? <p className="state-loading">Loading…</p> : <ChildSaTable items={childSas} onChanged={tables.reload} />}
      </Panel>
      <Panel title="Ping through a tunnel" testId="sas-ping">
        <RoleGate role="operator" fallback={<p className="muted">Pinging needs the operator role.</p>}>
          <PingForm
            run={async (request) => {
              const result = await pingThroughTunnel(request);
              tables.reload();
              return result;
            }}
            hint="the route decides the tunnel; the CHILD_SA counters above move with the replies"
            placeholder={childSas?.[0]?.remoteTs[0] ? `e.g. an address in ${childSas[0].remoteTs[0]}` : 'address behind the peer'}
          />
        </RoleGate>
      </Panel>
    </div>
  );
}
