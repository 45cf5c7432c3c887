/**
 * The guided wizards, one per seed section (13.6.1 general checks, 13.6.2
 * certificate problems, 13.6.4 snoop-driven proposal analysis, 13.6.5
 * management interface failure, each 13.6.6 error message, 13.6.7
 * one-sided initiation). Steps are data; their evaluators come from
 * step-evaluators.ts.
 */
import { checkCertificates, checkIcmpReachability, checkManagementRoute, expectFlushThenOutcome, traceManagementReplies } from './live-step-evaluators.ts';
import {
  checkConfig,
  compareProposals,
  expectCorrectTunnelSelected,
  expectNoHalfOpenTunnel,
  expectPskDiagnosis,
  expectRekeyOk,
  expectSnoopLines,
  expectTunnelUp,
  findingsSinceStart,
  nothingToVerify,
} from './step-evaluators.ts';
import type { StepContext, Wizard, WizardStep } from './wizard-types.ts';

const snoopFull = (nextOnOk: string, id = 'snoop-full'): WizardStep => ({
  id,
  title: 'Turn on ike -snoop -full for the peer',
  instruction: 'Start monitoring with full output for {peer}: ike -snoop -full shows the proposal lists each side sends.',
  action: { action: 'snoop', mode: 'full' },
  nextOnOk,
  // Lines only appear with traffic: without them, go on to the step that makes some.
  evaluate: (context) => {
    const verdict = expectSnoopLines('full')(context);
    return verdict.status === 'not-verified' ? { ...verdict, next: { step: nextOnOk } } : verdict;
  },
});

const initiateFromRemote = (id: string, nextOnOk: string | null, instruction: string, evaluate: WizardStep['evaluate'] = expectTunnelUp({ phase: 'ipsec', role: 'responder' })): WizardStep => ({
  id,
  title: 'Initiate the tunnel from the remote side',
  instruction,
  action: { action: 'initiate', from: 'remote' },
  nextOnOk,
  evaluate,
});

const initiateFromLocal = (id: string, nextOnOk: string | null, instruction: string): WizardStep => ({
  id,
  title: 'Initiate the tunnel from this side',
  instruction,
  action: { action: 'initiate', from: 'local' },
  nextOnOk,
  evaluate: expectTunnelUp({ phase: 'ipsec', role: 'initiator' }),
});

export const WIZARDS: readonly Wizard[] = [
  {
    id: 'general-checks',
    seedSection: '13.6.1',
    title: 'General troubleshooting',
    summary: 'The basic checks for any VPN: addresses, tunnel order, the ICMP rule, and whether the right tunnel is selected.',
    steps: [
      {
        id: 'addresses',
        title: 'Check that all IP addresses have been specified correctly',
        instruction: 'Check the local and remote endpoints and networks of {tunnel} against the peer\'s settings.',
        action: { action: 'check-config', check: 'addresses' },
        nextOnOk: 'tunnel-order',
        evaluate: checkConfig('addresses'),
      },
      {
        id: 'tunnel-order',
        title: 'Ensure no other tunnel prevents this one being reached',
        instruction: 'The tunnel list is scanned from top to bottom: a tunnel higher up with Remote Network all-nets-ip4 and Remote Endpoint none could catch {peer} first (symptom: Incorrect Pre-shared Key).',
        action: { action: 'check-config', check: 'tunnel-order' },
        nextOnOk: 'icmp-rule',
        evaluate: checkConfig('tunnel-order'),
      },
      {
        id: 'icmp-rule',
        title: 'Use ICMP Ping to confirm that the tunnel is working',
        instruction: 'Ping the gateway\'s own address through {tunnel} from the far side. If the gateway is to respond, the rule set needs: Allow {tunnel} all-nets-ip4 core all-nets-ip4 ICMP.',
        action: { action: 'ping', to: 'gateway' },
        nextOnOk: 'initiate-local',
        evaluate: checkIcmpReachability,
      },
      initiateFromLocal('initiate-local', 'correct-tunnel', 'Initiate {tunnel} from this side and watch it come up.'),
      initiateFromRemote(
        'correct-tunnel',
        'overlap',
        'Have {peer} initiate: check that {tunnel} is the tunnel selected for it (the selection may change in IKE_AUTH).',
        expectCorrectTunnelSelected,
      ),
      {
        id: 'overlap',
        title: 'Avoid duplicate IP addresses',
        instruction: 'The remote network of {tunnel} must not overlap its local network or another tunnel\'s networks.',
        action: { action: 'check-config', check: 'network-overlap' },
        nextOnOk: null,
        evaluate: checkConfig('network-overlap'),
      },
    ],
  },
  {
    id: 'certificates',
    seedSection: '13.6.2',
    title: 'Troubleshooting certificate problems',
    summary: 'The seed\'s checklist on the live certificate cache: purposes, .cer/.key names, expiry, system time and time zone, CRL access, and the cache flush.',
    steps: [
      {
        id: 'purposes',
        title: 'Check that the correct certificates have been used for the correct purposes',
        instruction: 'Our certificate for {tunnel} must be an end-entity certificate made for signing, the peer\'s too, and the peer\'s must be issued by a CA {tunnel} trusts.',
        action: { action: 'check-certificates', check: 'purposes' },
        nextOnOk: 'file-names',
        evaluate: checkCertificates('purposes'),
      },
      {
        id: 'file-names',
        title: 'Check that the certificate .cer and .key files have the same filename',
        instruction: 'For example my_cert.key and my_cert.cer: the certificate {tunnel} names needs its key under the same name.',
        action: { action: 'check-certificates', check: 'file-names' },
        nextOnOk: 'expiry',
        evaluate: checkCertificates('file-names'),
      },
      {
        id: 'expiry',
        title: 'Check that the certificates have not expired',
        instruction: 'Certificates have a specific lifetime; when it expires they cannot be used and new certificates must be issued.',
        action: { action: 'check-certificates', check: 'expiry' },
        nextOnOk: 'clock',
        evaluate: checkCertificates('expiry'),
      },
      {
        id: 'clock',
        title: 'Check the system date and time, and time-zone issues',
        instruction: 'A wrong system clock makes certificates look expired or not yet valid; a newly generated certificate may not yet be valid in this gateway\'s zone if the CA server is in another.',
        action: { action: 'check-certificates', check: 'clock' },
        nextOnOk: 'crl',
        evaluate: checkCertificates('clock'),
      },
      {
        id: 'crl',
        title: 'Check CA server access (CRL)',
        instruction: 'The CRL on the CA server must be reachable (and its host name resolvable with the DNS client). Disable CRL checking on {tunnel} to see if CA server access is the problem.',
        action: { action: 'check-certificates', check: 'crl' },
        nextOnOk: 'flush',
        evaluate: checkCertificates('crl'),
      },
      {
        id: 'flush',
        title: 'Clear the certificate cache (ike -certflush)',
        instruction: 'The version in the cache is used if it is there: after a change to a certificate or CRL, run ike -certflush, then initiate {tunnel} so the next negotiation refetches.',
        action: { action: 'flush-certificates' },
        nextOnOk: 'remote-initiates',
        evaluate: expectFlushThenOutcome,
      },
      initiateFromRemote('remote-initiates', null, 'Have {peer} initiate {tunnel} and watch the certificate authentication.', expectPskDiagnosis),
    ],
  },
  {
    id: 'snoop-proposals',
    seedSection: '13.6.4',
    title: 'Using ike -snoop: compare proposal lists',
    summary: 'Watch the exchanges with ike -snoop -full while the remote side initiates, then compare its proposals with ours.',
    steps: [
      snoopFull('remote-initiates'),
      initiateFromRemote('remote-initiates', 'compare', 'Have {peer} initiate {tunnel}: its proposal list shows in the snoop output.', (context: StepContext) => {
        const verdict = expectSnoopLines('brief')(context);
        const findings = findingsSinceStart(context);
        return verdict.status === 'verified-ok' && findings.length > 0 ? { ...verdict, message: `${verdict.message} The negotiation failed: compare the proposals next.` } : verdict;
      }),
      {
        id: 'compare',
        title: 'Compare the proposals',
        instruction: 'Compare the proposals {peer} sent with the IKE and IPsec proposal lists of {tunnel}: at least one has to match.',
        action: { action: 'compare-proposals' },
        nextOnOk: 'snoop-off',
        evaluate: compareProposals,
      },
      {
        id: 'snoop-off',
        title: 'Turn snoop off',
        instruction: 'Stop monitoring: ike -snoop -off.',
        action: { action: 'snoop', mode: 'off' },
        nextOnOk: null,
        evaluate: () => ({ ...nothingToVerify('turning snoop off leaves no event to verify')(), next: null }),
      },
    ],
  },
  {
    id: 'management-route',
    seedSection: '13.6.5',
    title: 'Management interface failure with VPN',
    summary: 'An all-nets route into a tunnel takes management replies with it: find the route, see where replies go, add the specific route.',
    steps: [
      {
        id: 'routes',
        title: 'Look for an all-nets route into a VPN tunnel',
        instruction: 'A route in the main routing table for all-nets-ip4 through a VPN tunnel also takes traffic for the management network, unless it has a specific route.',
        action: { action: 'check-config', check: 'management-route' },
        nextOnOk: 'trace',
        evaluate: checkManagementRoute,
      },
      {
        id: 'trace',
        title: 'See where replies to the management network go',
        instruction: 'Trace a reply from the gateway to the management network and read the flows from the management interface: they must leave through it, not through the tunnel.',
        action: { action: 'trace-management' },
        nextOnOk: null,
        evaluate: traceManagementReplies,
      },
    ],
  },
  {
    id: 'error-no-proposal-chosen',
    seedSection: '13.6.6 #1',
    title: 'Could not find acceptable proposal / no proposal chosen',
    summary: 'Find the phase that fails (IKE or IPsec), see the remote side\'s proposals, and check DH group, PFS and networks.',
    steps: [
      snoopFull('remote-initiates'),
      initiateFromRemote('remote-initiates', 'compare', 'Have {peer} initiate {tunnel} so its proposals can be seen.'),
      {
        id: 'compare',
        title: 'Compare the IKE and IPsec proposal lists',
        instruction: 'Compare what {peer} sent with our lists. Phase-1: the IKE proposal list and DH group; phase-2: the IPsec list, PFS and the networks.',
        action: { action: 'compare-proposals' },
        nextOnOk: 'initiate-local',
        evaluate: compareProposals,
      },
      initiateFromLocal('initiate-local', 'rekey', 'Initiate {tunnel} from this side: phase-2 also negotiates the networks, which must match exactly.'),
      {
        id: 'rekey',
        title: 'Rekey the CHILD_SA (PFS)',
        instruction: 'Rekey the IPsec SA of {tunnel}: the PFS group only takes part from the first rekey on.',
        action: { action: 'rekey', what: 'child' },
        nextOnOk: null,
        evaluate: expectRekeyOk,
      },
    ],
  },
  {
    id: 'error-incorrect-psk',
    seedSection: '13.6.6 #2',
    title: 'Incorrect pre-shared key',
    summary: 'Rule out the wrong tunnel being selected, then the key type (Passphrase or Hex), then the key itself.',
    steps: [
      {
        id: 'tunnel-order',
        title: 'Check that the right tunnel can be reached',
        instruction: 'A roaming tunnel (remote endpoint none, remote network all-nets-ip4) above {tunnel} triggers first for {peer}.',
        action: { action: 'check-config', check: 'tunnel-order' },
        nextOnOk: 'remote-initiates',
        evaluate: checkConfig('tunnel-order'),
      },
      initiateFromRemote('remote-initiates', 'psk-type', 'Have {peer} initiate {tunnel}: this side then checks the key it used against ours, our key read as the other type, and every other tunnel\'s key.', expectPskDiagnosis),
      {
        id: 'psk-type',
        title: 'Check the key type on both sides',
        instruction: 'Double-check that the pre-shared key of {tunnel} is of the same type (Passphrase or Hex-key) on both sides.',
        action: { action: 'check-config', check: 'psk-type' },
        nextOnOk: 'test-psk',
        evaluate: checkConfig('psk-type'),
      },
      {
        id: 'test-psk',
        title: 'Test a candidate key',
        instruction: 'Enter the key the peer believes it uses: it is tested against the AUTH {peer} actually sent (nothing is stored).',
        action: { action: 'test-psk' },
        nextOnOk: 'initiate-local',
        evaluate: expectPskDiagnosis,
      },
      initiateFromLocal('initiate-local', null, 'After correcting the key, initiate {tunnel} from this side.'),
    ],
  },
  {
    id: 'error-invalid-payload-cookie',
    seedSection: '13.6.6 #3',
    title: 'Ike_invalid_payload, Ike_invalid_cookie',
    summary: 'The tunnel is up on one side only: remove it where it is still up, and find out why the sides disagree (DPD, keep-alive, DELETE).',
    steps: [
      {
        id: 'dpd',
        title: 'Check DPD and keep-alive',
        instruction: 'It could be that DPD and/or Keep-Alive is only used on one side: check {tunnel} here, then the peer.',
        action: { action: 'check-config', check: 'dpd' },
        nextOnOk: 'remove-stale',
        evaluate: checkConfig('dpd'),
      },
      {
        id: 'remove-stale',
        title: 'Remove the tunnel on the side that believes it is still up',
        instruction: 'Remove the tunnel from the side that still sees it as up (usually {peer}), then set it up again.',
        action: { action: 'delete-sa', side: 'remote' },
        nextOnOk: 'initiate-local',
        evaluate: (context) => {
          const verdict = expectTunnelUp({ phase: 'ike' })(context);
          return verdict.status === 'not-verified' ? { ...verdict, message: 'removing an SA on the peer leaves no event here: continue with the next step', next: { step: 'initiate-local' } } : verdict;
        },
      },
      {
        id: 'initiate-local',
        title: 'Set the tunnel up again',
        instruction: 'Initiate {tunnel} and check that no message meets an unknown IKE SA any more.',
        action: { action: 'initiate', from: 'local' },
        nextOnOk: null,
        evaluate: expectNoHalfOpenTunnel,
      },
    ],
  },
  {
    id: 'error-payload-malformed',
    seedSection: '13.6.6 #4',
    title: 'Payload_Malformed',
    summary: 'Very similar to an incorrect pre-shared key: usually the key is of the wrong TYPE on one side (Passphrase or Hex).',
    steps: [
      {
        id: 'psk-type',
        title: 'Verify the key type on both sides',
        instruction: 'Verify that {tunnel} and {peer} use the same key type (Passphrase or Hex key).',
        action: { action: 'check-config', check: 'psk-type' },
        nextOnOk: 'remote-initiates',
        evaluate: checkConfig('psk-type'),
      },
      initiateFromRemote('remote-initiates', 'snoop', 'Have {peer} initiate {tunnel}: this side then tests our key read both ways.', expectPskDiagnosis),
      snoopFull('initiate-local', 'snoop'),
      initiateFromLocal('initiate-local', null, 'Initiate {tunnel} from this side with snoop on, and compare what was sent with what arrived.'),
    ],
  },
  {
    id: 'error-no-public-key',
    seedSection: '13.6.6 #5',
    title: 'No public key found',
    summary: 'Certificates: agree on the method first (configure PSK, verify it, then move to certificates).',
    steps: [
      {
        id: 'auth-method',
        title: 'Check the authentication method on both sides',
        instruction: 'Check that {tunnel} and {peer} both use certificates (or both a pre-shared key).',
        action: { action: 'check-config', check: 'auth-method' },
        nextOnOk: 'remote-initiates',
        evaluate: checkConfig('auth-method'),
      },
      initiateFromRemote('remote-initiates', null, 'Have {peer} initiate {tunnel} and watch the authentication.', expectPskDiagnosis),
    ],
  },
  {
    id: 'one-sided-initiation',
    seedSection: '13.6.7',
    title: 'The tunnel can only be initiated from one side',
    summary: 'Initiate from both sides; where one fails, compare the network sizes (and lifetimes) of the two sides.',
    steps: [
      initiateFromLocal('initiate-local', 'initiate-remote', 'Initiate {tunnel} from this side.'),
      initiateFromRemote('initiate-remote', 'lifetimes', 'Now have {peer} initiate {tunnel}: a network larger than ours on its side is refused here.'),
      {
        id: 'lifetimes',
        title: 'Compare the lifetimes',
        instruction: 'This also applies to the lifetimes in the proposal lists: compare IKE and IPsec lifetimes with the peer\'s.',
        action: { action: 'check-config', check: 'lifetimes' },
        nextOnOk: null,
        evaluate: checkConfig('lifetimes'),
      },
    ],
  },
];

export function wizardById(id: string): Wizard | undefined {
  return WIZARDS.find((wizard) => wizard.id === id);
}
