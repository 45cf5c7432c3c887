/** One tunnel's settings. Every field shows the server's errors for its path. */
import { useContext } from 'react';
import { normaliseFieldPath, TUNNEL_FORM_FIELDS, type DraftPskAuth, type DraftTunnel } from '../hooks/config-draft.ts';
import { Field, FieldErrorsContext, NumberInput, StringListInput, TextInput, useReadOnly } from './field.tsx';
import { PskField } from './psk-field.tsx';

export function TunnelForm({ tunnel, index, onChange }: { tunnel: DraftTunnel; index: number; onChange: (tunnel: DraftTunnel) => void }) {
  const readOnly = useReadOnly();
  const path = `tunnels.${index}`;
  const set = <K extends keyof DraftTunnel>(key: K, value: DraftTunnel[K]) => onChange({ ...tunnel, [key]: value });
  const auth = tunnel.auth;
  const otherErrors = useContext(FieldErrorsContext).filter((error) => {
    const normalised = normaliseFieldPath(error.path);
    if (normalised !== path && !normalised.startsWith(`${path}.`)) return false;
    const field = normalised.slice(path.length + 1).split('.')[0] ?? '';
    return !(TUNNEL_FORM_FIELDS as readonly string[]).includes(field);
  });

  return (
    <div className="tunnel-form" data-testid="tunnel-form">
      <fieldset>
        <legend>Tunnel</legend>
        <Field label="Name" path={`${path}.name`}>
          <TextInput value={tunnel.name} onChange={(v) => set('name', v)} />
        </Field>
        <Field label="Enabled" path={`${path}.enabled`}>
          <input type="checkbox" checked={tunnel.enabled ?? true} disabled={readOnly} onChange={(e) => set('enabled', e.target.checked)} />
        </Field>
        <Field label="Local networks" path={`${path}.localNetworks`} hint="One per line: CIDR or address book name.">
          <StringListInput value={tunnel.localNetworks ?? []} onChange={(v) => set('localNetworks', v)} rows={2} />
        </Field>
        <Field label="Remote networks" path={`${path}.remoteNetworks`} hint="Must be exactly the other side's local networks (seed 13.6.7).">
          <StringListInput value={tunnel.remoteNetworks ?? []} onChange={(v) => set('remoteNetworks', v)} rows={2} />
        </Field>
        <Field label="Local endpoint" path={`${path}.localEndpoint`}>
          <TextInput mono value={tunnel.localEndpoint ?? ''} onChange={(v) => set('localEndpoint', v)} />
        </Field>
        <Field label="Remote endpoint" path={`${path}.remoteEndpoint`} hint='"none" for roaming peers.'>
          <TextInput mono value={tunnel.remoteEndpoint ?? ''} onChange={(v) => set('remoteEndpoint', v)} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Proposals</legend>
        <Field label="IKE proposals" path={`${path}.ikeProposals`} hint="In preference order, e.g. aes128gcm16-prfsha256-x25519.">
          <StringListInput value={tunnel.ikeProposals ?? []} onChange={(v) => set('ikeProposals', v)} />
        </Field>
        <Field label="IKE lifetime (s)" path={`${path}.ikeLifetimeSeconds`}>
          <NumberInput value={tunnel.ikeLifetimeSeconds} onChange={(v) => set('ikeLifetimeSeconds', v)} />
        </Field>
        <Field label="IPsec proposals" path={`${path}.ipsecProposals`} hint="A group at the end means PFS, e.g. aes256-sha256-modp2048.">
          <StringListInput value={tunnel.ipsecProposals ?? []} onChange={(v) => set('ipsecProposals', v)} />
        </Field>
        <Field label="IPsec lifetime (s)" path={`${path}.ipsecLifetimeSeconds`}>
          <NumberInput value={tunnel.ipsecLifetimeSeconds} onChange={(v) => set('ipsecLifetimeSeconds', v)} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Authentication</legend>
        {auth?.method === 'certificate' ? (
          <>
            <Field label="Certificate" path={`${path}.auth.certificate`}>
              <TextInput value={auth.certificate} onChange={(v) => set('auth', { ...auth, certificate: v })} />
            </Field>
            <Field label="Root certificates" path={`${path}.auth.rootCertificates`}>
              <StringListInput value={auth.rootCertificates} onChange={(v) => set('auth', { ...auth, rootCertificates: v })} rows={2} />
            </Field>
          </>
        ) : (
          <PskField
            auth={auth ?? ({ method: 'psk', psk: { type: 'passphrase', value: { set: false } } } satisfies DraftPskAuth)}
            path={`${path}.auth`}
            onChange={(next) => set('auth', next)}
          />
        )}
      </fieldset>
      <fieldset>
        <legend>Liveness and policy</legend>
        <Field label="DPD" path={`${path}.dpd`}>
          <span className="inline-fields">
            <input
              type="checkbox"
              aria-label="DPD enabled"
              checked={tunnel.dpd?.enabled ?? true}
              disabled={readOnly}
              onChange={(e) => set('dpd', { enabled: e.target.checked, intervalSeconds: tunnel.dpd?.intervalSeconds ?? 30, timeoutSeconds: tunnel.dpd?.timeoutSeconds ?? 150 })}
            />
            every
            <NumberInput
              value={tunnel.dpd?.intervalSeconds}
              onChange={(v) => set('dpd', { enabled: tunnel.dpd?.enabled ?? true, intervalSeconds: v ?? 30, timeoutSeconds: tunnel.dpd?.timeoutSeconds ?? 150 })}
            />
            s, timeout
            <NumberInput
              value={tunnel.dpd?.timeoutSeconds}
              onChange={(v) => set('dpd', { enabled: tunnel.dpd?.enabled ?? true, intervalSeconds: tunnel.dpd?.intervalSeconds ?? 30, timeoutSeconds: v ?? 150 })}
            />
            s
          </span>
        </Field>
        <Field label="Responder policy" path={`${path}.responderPolicy`} hint="strict refuses a larger proposed network (TS_UNACCEPTABLE); narrow narrows it.">
          <select value={tunnel.responderPolicy ?? 'strict'} disabled={readOnly} onChange={(e) => set('responderPolicy', e.target.value === 'narrow' ? 'narrow' : 'strict')}>
            <option value="strict">strict</option>
            <option value="narrow">narrow</option>
          </select>
        </Field>
      </fieldset>
      {otherErrors.length > 0 ? (
        <ul className="state-error" data-testid="tunnel-other-errors">
          {otherErrors.map((error, i) => (
            <li key={i}>
              <span className="mono">{error.path}</span>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
