/**
 * The record of one tunnel selection or re-selection (seed 13.6.1,
 * 13.6.6 #2): which tunnel, why, and the scan that led there. The engine's
 * selection functions return it; the daemon publishes it as a
 * `tunnel.selected` event so "wrong tunnel selected" is visible.
 */
import { Type, type Static } from '@sinclair/typebox';

export const SelectionPhaseSchema = Type.Union([
  Type.Literal('IKE_SA_INIT'),
  Type.Literal('IKE_AUTH'),
  Type.Literal('CHILD_SA'),
]);
export type SelectionPhase = Static<typeof SelectionPhaseSchema>;

export const ScanStepSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: 'Position in the tunnel list.' }),
    tunnel: Type.String(),
    verdict: Type.Union(
      [Type.Literal('selected'), Type.Literal('skipped'), Type.Literal('candidate'), Type.Literal('shadowed')],
      {
        description:
          'selected: the choice; skipped: scanned and refused; candidate: acceptable but not chosen; shadowed: below the choice, would also have matched.',
      },
    ),
    reason: Type.String(),
  },
  { additionalProperties: false },
);
export type ScanStep = Static<typeof ScanStepSchema>;

export const SelectionOutcomeSchema = Type.Union(
  [
    Type.Literal('selected'),
    Type.Literal('none'),
    Type.Literal('kept'),
    Type.Literal('switched'),
    Type.Literal('kept-without-identity-match'),
  ],
  {
    description:
      'selected/none: IKE_SA_INIT and CHILD_SA selection; kept/switched/kept-without-identity-match: IKE_AUTH re-selection.',
  },
);
export type SelectionOutcome = Static<typeof SelectionOutcomeSchema>;

export const TunnelSelectionRecordSchema = Type.Object(
  {
    phase: SelectionPhaseSchema,
    outcome: SelectionOutcomeSchema,
    tunnel: Type.Union([Type.String(), Type.Null()], { description: 'The chosen tunnel, null if none.' }),
    tunnelIndex: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    previousTunnel: Type.Union([Type.String(), Type.Null()], {
      description: 'The tunnel selected before this step (IKE_AUTH, CHILD_SA), else null.',
    }),
    reason: Type.String({ description: 'One sentence for the operator.' }),
    trace: Type.Array(ScanStepSchema, { description: 'Every tunnel looked at, in scan order.' }),
  },
  { additionalProperties: false },
);
export type TunnelSelectionRecord = Static<typeof TunnelSelectionRecordSchema>;
