/**
 * Diagnosis: findings (the seed's troubleshooting chapter applied to the
 * live config, the stored events and the SA tables), their machine fixes
 * (preview as a diff, apply as a new config version), the PSK test, the
 * swanctl.conf the peer needs, and the guided wizards' runs.
 *
 * Secrets never appear here: findings carry config paths, not values; a fix
 * diff shows every secret as `<secret>`; the PSK test never echoes the key.
 * Datagram ids are the server's stored datagrams (GET /snoop/datagrams/:id).
 */
import { Type, type Static } from '@sinclair/typebox';
import { ConfigVersionInfo } from './config.ts';
import { FieldError } from './errors.ts';

/** Test a candidate pre-shared key against the AUTH a peer actually sent. The key is never echoed or stored. */
export const TestPskBody = Type.Object(
  {
    tunnel: Type.String({ minLength: 1, maxLength: 200 }),
    psk: Type.Object(
      { kind: Type.Union([Type.Literal('passphrase'), Type.Literal('hex')]), value: Type.String({ minLength: 1, maxLength: 1024 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type TestPskBody = Static<typeof TestPskBody>;

// ---- findings ---------------------------------------------------------------

export const FindingSeverity = Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]);
export const FindingSide = Type.Union([Type.Literal('local'), Type.Literal('remote'), Type.Literal('either')], {
  description: 'Where the fix belongs: our config, the peer\'s, or either (diagnosis cannot tell which side is wrong).',
});
export const FindingPhase = Type.Union([Type.Literal('ike'), Type.Literal('ipsec')], { description: 'Seed phase: "ike" is phase 1, "ipsec" phase 2.' });

export const FindingEvidenceItem = Type.Object({
  eventId: Type.Integer({ description: 'Stored event id (GET /events, stream resume).' }),
  type: Type.String(),
  time: Type.Number(),
  text: Type.String({ description: "The event's own words: log message, snoop line, selection reason." }),
  datagramIds: Type.Array(Type.Integer(), { description: 'Stored datagrams this event names that the server could link (GET /snoop/datagrams/:id).' }),
  code: Type.Optional(Type.String()),
  condition: Type.Optional(Type.String()),
});
export type FindingEvidenceItem = Static<typeof FindingEvidenceItem>;

export const FindingEvidence = Type.Object({
  events: Type.Array(FindingEvidenceItem, { description: 'Coded log, lifecycle and selection events the finding rests on (a sample: first and newest).' }),
  snoopLines: Type.Array(FindingEvidenceItem),
  datagramIds: Type.Array(Type.Integer(), { description: 'Every linked stored datagram cited.' }),
  configPaths: Type.Array(Type.String(), { description: 'Config fields the finding reads, e.g. `tunnels[2].remoteNetworks` (paths, never values).' }),
  occurrences: Type.Integer(),
  firstSeenAt: Type.Union([Type.Number(), Type.Null()]),
  lastSeenAt: Type.Union([Type.Number(), Type.Null()]),
});
export type FindingEvidence = Static<typeof FindingEvidence>;

export const FixAction = Type.Object(
  { kind: Type.String({ description: 'move-tunnel, add-proposal, prefer-dh-group, set-networks, set-address-book-networks, set-responder-policy, set-psk-type, enable-dpd, set-lifetime' }) },
  { additionalProperties: true },
);
export type FixAction = Static<typeof FixAction>;

export const FixOption = Type.Object({
  id: Type.String(),
  summary: Type.String(),
  actions: Type.Array(FixAction),
});
export type FixOption = Static<typeof FixOption>;

export const Finding = Type.Object({
  id: Type.String({ description: 'Stable for the same problem on the same tunnel and phase: `code:tunnel:phase:discriminator`.' }),
  code: Type.String({ description: 'Stable finding code, e.g. wrong_tunnel_selected, no_proposal_chosen.' }),
  title: Type.String({ description: "The seed's message." }),
  seedSection: Type.String(),
  severity: FindingSeverity,
  tunnel: Type.Union([Type.String(), Type.Null()]),
  peer: Type.Union([Type.String(), Type.Null()]),
  side: FindingSide,
  phase: FindingPhase,
  confidence: Type.Object({ score: Type.Number({ minimum: 0, maximum: 1 }), reasoning: Type.Array(Type.String()) }),
  evidence: FindingEvidence,
  explanation: Type.String(),
  fixSteps: Type.Array(Type.String()),
  fixes: Type.Array(FixOption, { description: 'Machine-applicable fixes on our side, best first (preview, then apply).' }),
  facts: Type.Record(Type.String(), Type.Unknown()),
  resolvedSince: Type.Boolean({ description: 'A later success of the same tunnel suggests the problem is gone.' }),
  wizard: Type.String({ description: 'The guided wizard for this finding (GET /diagnose/wizards).' }),
});
export type Finding = Static<typeof Finding>;

export const FindingsQuery = Type.Object({
  tunnel: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only findings about this tunnel (or naming it in their facts).' })),
  since: Type.Optional(Type.Number({ minimum: 0, description: 'Only events at or after this time (ms since epoch) are read.' })),
});
export type FindingsQuery = Static<typeof FindingsQuery>;

export const DiagnosisWindow = Type.Object({
  events: Type.Integer({ description: 'Stored events read (snoop, sa and log topics).' }),
  firstEventId: Type.Union([Type.Integer(), Type.Null()]),
  lastEventId: Type.Union([Type.Integer(), Type.Null()]),
  since: Type.Union([Type.Number(), Type.Null()]),
  truncated: Type.Boolean({ description: 'More events matched than the window holds: only the newest were read.' }),
});
export type DiagnosisWindow = Static<typeof DiagnosisWindow>;

export const FindingList = Type.Object({
  items: Type.Array(Finding),
  configVersion: Type.Integer(),
  window: DiagnosisWindow,
  generatedAt: Type.Number(),
});
export type FindingList = Static<typeof FindingList>;

export const FindingIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) });
export type FindingIdParams = Static<typeof FindingIdParams>;

export const EvidenceDatagram = Type.Object({
  id: Type.Integer(),
  href: Type.String({ description: '/api/v1/snoop/datagrams/:id (add ?format=full for the decode)' }),
  time: Type.Number(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  exchange: Type.Union([Type.String(), Type.Null()]),
  messageId: Type.Union([Type.Integer(), Type.Null()]),
  text: Type.String({ description: 'The snoop line of the stored datagram.' }),
});
export type EvidenceDatagram = Static<typeof EvidenceDatagram>;

export const EvidenceEvent = Type.Object({
  id: Type.Integer(),
  time: Type.Number(),
  topic: Type.String(),
  type: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  peer: Type.Union([Type.String(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()], { description: 'The stored rendering: the snoop line for snoop events, the message for log events.' }),
  datagrams: Type.Array(EvidenceDatagram),
  /** Datagrams the event names that are no longer stored or could not be linked. */
  unlinkedDatagrams: Type.Integer(),
});
export type EvidenceEvent = Static<typeof EvidenceEvent>;

export const FindingDetail = Type.Object({
  finding: Finding,
  evidence: Type.Object({
    events: Type.Array(EvidenceEvent, { description: 'Every cited event (evidence events, then snoop lines), oldest first.' }),
  }),
  configVersion: Type.Integer(),
});
export type FindingDetail = Static<typeof FindingDetail>;

// ---- fixes ------------------------------------------------------------------

export const FixParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }), fixId: Type.String({ minLength: 1, maxLength: 100 }) });
export type FixParams = Static<typeof FixParams>;

export const FixConfigChange = Type.Object({
  path: Type.String(),
  before: Type.Optional(Type.Unknown({ description: 'Absent when the fix adds the path (a new rule or route)' })),
  after: Type.Optional(Type.Unknown({ description: 'Absent when the fix removes the path' })),
});
export type FixConfigChange = Static<typeof FixConfigChange>;

export const FixDiff = Type.Object({
  text: Type.String({ description: 'Unified diff of the config as indented JSON; secrets shown as <secret>.' }),
  changes: Type.Array(FixConfigChange),
});
export type FixDiff = Static<typeof FixDiff>;

export const FixPreviewQuery = Type.Object({
  baseVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse with 409 when the current config version is another.' })),
});
export type FixPreviewQuery = Static<typeof FixPreviewQuery>;

export const FixPreviewResponse = Type.Object({
  findingId: Type.String(),
  fixId: Type.String(),
  summary: Type.String(),
  baseVersion: Type.Integer({ description: 'The config version the diff applies to: send it back to apply.' }),
  diff: FixDiff,
  valid: Type.Boolean({ description: 'The engine accepts the config with the fix.' }),
  errors: Type.Array(FieldError),
});
export type FixPreviewResponse = Static<typeof FixPreviewResponse>;

export const FixApplyBody = Type.Object(
  {
    baseVersion: Type.Integer({ minimum: 1, description: 'The version the preview was made on; 409 when the config changed since.' }),
    initiate: Type.Optional(Type.Boolean({ default: true, description: 'Initiate the tunnel after applying (default true).' })),
  },
  { additionalProperties: false },
);
export type FixApplyBody = Static<typeof FixApplyBody>;

export const FixApplyResponse = Type.Object({
  findingId: Type.String(),
  fixId: Type.String(),
  version: ConfigVersionInfo,
  diff: FixDiff,
  initiated: Type.Union([
    Type.Object({ tunnel: Type.String(), accepted: Type.Boolean(), message: Type.String() }),
    Type.Null(),
  ]),
});
export type FixApplyResponse = Static<typeof FixApplyResponse>;

// ---- PSK test -----------------------------------------------------------------

export const TestPskResponse = Type.Object({
  tunnel: Type.String(),
  result: Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('no_evidence')]),
  detail: Type.String(),
});
export type TestPskResponse = Static<typeof TestPskResponse>;

/** POST /diagnose/test-psk: the test's result and the authentication findings it updated. */
export const TestPskDiagnosisResponse = Type.Composite([
  TestPskResponse,
  Type.Object({ findings: Type.Array(Finding, { description: 'The authentication findings about this tunnel, updated with the test.' }) }),
]);
export type TestPskDiagnosisResponse = Static<typeof TestPskDiagnosisResponse>;

// ---- swanctl.conf for the peer ----------------------------------------------------

export const SwanctlParams = Type.Object({ tunnel: Type.String({ minLength: 1, maxLength: 200 }) });
export type SwanctlParams = Static<typeof SwanctlParams>;

export const SwanctlQuery = Type.Object({
  peerAddress: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Fa-f.:%a-z]+$', description: "The peer's own address (needed for roaming tunnels); default our remote endpoint." }),
  ),
  includeSecret: Type.Optional(Type.Boolean({ default: false, description: 'Admin only, audited: put the real pre-shared key in the secrets section.' })),
});
export type SwanctlQuery = Static<typeof SwanctlQuery>;

// ---- wizards ----------------------------------------------------------------------

export const WizardAction = Type.Object(
  { action: Type.String({ description: 'initiate, snoop, compare-proposals, check-rules, check-config, test-psk, rekey, delete-sa, generate-peer-config' }) },
  { additionalProperties: true },
);
export type WizardAction = Static<typeof WizardAction>;

export const WizardStepInfo = Type.Object({
  id: Type.String(),
  title: Type.String(),
  instruction: Type.String({ description: 'In the seed\'s words; {tunnel} and {peer} are filled in by a run.' }),
  action: WizardAction,
  nextOnOk: Type.Union([Type.String(), Type.Null()]),
});
export type WizardStepInfo = Static<typeof WizardStepInfo>;

export const WizardInfo = Type.Object({
  id: Type.String(),
  seedSection: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  steps: Type.Array(WizardStepInfo),
});
export type WizardInfo = Static<typeof WizardInfo>;

export const WizardList = Type.Object({
  items: Type.Array(WizardInfo),
  forFinding: Type.Record(Type.String(), Type.String(), { description: 'Finding code -> wizard id.' }),
});
export type WizardList = Static<typeof WizardList>;

export const WizardIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const WizardRunParams = Type.Object({ runId: Type.String({ minLength: 1, maxLength: 100 }) });
export const WizardStepParams = Type.Object({ runId: Type.String({ minLength: 1, maxLength: 100 }), stepId: Type.String({ minLength: 1, maxLength: 100 }) });

export const WizardRunCreateBody = Type.Object(
  {
    tunnel: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Required unless findingId names a finding with a tunnel.' })),
    peer: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "The peer's address (default the tunnel's remote endpoint; needed for roaming tunnels)." })),
    findingId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Pre-fill tunnel and peer from this finding.' })),
  },
  { additionalProperties: false },
);
export type WizardRunCreateBody = Static<typeof WizardRunCreateBody>;

export const WizardStepStatus = Type.Union([Type.Literal('not-started'), Type.Literal('verified-ok'), Type.Literal('problem-found'), Type.Literal('not-verified')], {
  description: 'not-verified: no evidence since the step began (never reported as OK).',
});
export type WizardStepStatus = Static<typeof WizardStepStatus>;

export const WizardNextStep = Type.Union([
  Type.Object({ step: Type.String() }),
  Type.Object({ wizard: Type.String(), reason: Type.String() }),
  Type.Null(),
]);

export const WizardFindingSummary = Type.Object({
  id: Type.String(),
  code: Type.String(),
  title: Type.String(),
  tunnel: Type.Union([Type.String(), Type.Null()]),
  explanation: Type.String(),
});

export const WizardRunStep = Type.Object({
  id: Type.String(),
  title: Type.String(),
  instruction: Type.String(),
  action: WizardAction,
  startedAt: Type.Union([Type.Number(), Type.Null()]),
  startedBy: Type.Union([Type.String(), Type.Null()]),
  /** What the server did when the step started (or what it asks the operator to do). */
  performed: Type.Union([Type.Object({ done: Type.Boolean(), message: Type.String() }), Type.Null()]),
  status: WizardStepStatus,
  citing: Type.Array(Type.Integer(), { description: 'Stored event ids the verdict rests on (all after the step began).' }),
  configPaths: Type.Array(Type.String()),
  message: Type.String(),
  next: WizardNextStep,
  findings: Type.Array(WizardFindingSummary),
});
export type WizardRunStep = Static<typeof WizardRunStep>;

export const WizardRun = Type.Object({
  id: Type.String(),
  wizardId: Type.String(),
  title: Type.String(),
  seedSection: Type.String(),
  tunnel: Type.String(),
  peer: Type.Union([Type.String(), Type.Null()]),
  findingId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
  createdBy: Type.String(),
  evaluatedAt: Type.Number(),
  steps: Type.Array(WizardRunStep),
});
export type WizardRun = Static<typeof WizardRun>;

/** `event` of a `diagnose.wizard.step` stream event (topic `diagnose`). */
export const WizardStepStreamEvent = Type.Object({
  type: Type.Literal('diagnose.wizard.step'),
  runId: Type.String(),
  wizardId: Type.String(),
  stepId: Type.String(),
  tunnel: Type.String(),
  status: WizardStepStatus,
  citing: Type.Array(Type.Integer()),
  message: Type.String(),
});
export type WizardStepStreamEvent = Static<typeof WizardStepStreamEvent>;
