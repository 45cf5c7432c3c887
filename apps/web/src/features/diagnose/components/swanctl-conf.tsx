/**
 * swanctl.conf for the peer: the mirror of our settings for a strongSwan
 * peer, to view here or download. The key in it is a placeholder (the
 * server only puts the real one in for an admin who asks, audited).
 */
import { useState } from 'react';
import { AsyncContent } from '../../../components/ui/async-content.tsx';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchSwanctlConf, swanctlConfUrl } from '../api/diagnose-api.ts';

function SwanctlText({ tunnel, peer }: { tunnel: string; peer: string | null }) {
  const conf = useAsync((signal) => fetchSwanctlConf(tunnel, peer, signal), [tunnel, peer]);
  return <AsyncContent state={conf}>{(text) => <pre className="swanctl-conf full-decode" data-testid="swanctl-conf">{text}</pre>}</AsyncContent>;
}

export function SwanctlConf({ tunnel, peer }: { tunnel: string; peer: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="swanctl" data-testid="swanctl">
      <div className="toolbar">
        <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide swanctl.conf' : 'View swanctl.conf'}
        </button>
        <a className="button" href={swanctlConfUrl(tunnel, peer)} download={`swanctl-${tunnel}.conf`}>
          Download
        </a>
        <span className="muted small">
          for the peer of "{tunnel}"{peer ? ` (${peer})` : ''}; a pre-shared key in it is a placeholder (certificate tunnels: it says which files to install)
        </span>
      </div>
      {open ? <SwanctlText tunnel={tunnel} peer={peer} /> : null}
    </div>
  );
}
