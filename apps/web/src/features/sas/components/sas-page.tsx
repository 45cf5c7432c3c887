/**
 * SAs & tunnels. URL: ?tunnel= (pre-filter), ike.sort / ike.q / ike.hide,
 * child.sort / child.q / child.hide.
 */
import { Panel } from '../../../components/ui/panel.tsx';
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
    </div>
  );
}
