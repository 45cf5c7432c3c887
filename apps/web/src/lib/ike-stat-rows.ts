/**
 * The `ike -stat` table's rows (seed 13.6.3) in their order, with the
 * seed's labels. Mirrors the engine's IKE_STAT_ROWS (the web app imports
 * only @tunnelscope/api); a blank line separates the IKE and IPsec blocks.
 */
import type { IkeStatCounterName } from './api-types.ts';

export interface IkeStatRow {
  key: IkeStatCounterName;
  label: string;
  block: 'ike' | 'ipsec';
}

export const IKE_STAT_ROWS: readonly IkeStatRow[] = [
  { key: 'ikeSasActive', label: 'IKE SAs active', block: 'ike' },
  { key: 'ikeNegotiationsActive', label: 'IKE SA negotiations active', block: 'ike' },
  { key: 'ikeNegotiationsDone', label: 'IKE SA negotiations done', block: 'ike' },
  { key: 'ikeNegotiationsFailed', label: 'IKE SA negotiations failed', block: 'ike' },
  { key: 'ikeRekeysActive', label: 'IKE SA rekeys active', block: 'ike' },
  { key: 'ikeRekeysDone', label: 'IKE SA rekeys done', block: 'ike' },
  { key: 'ikeRekeysFailed', label: 'IKE SA rekeys failed', block: 'ike' },
  { key: 'ipsecSasActive', label: 'IPsec SAs active', block: 'ipsec' },
  { key: 'ipsecNegotiationsActive', label: 'IPsec SA negotiations active', block: 'ipsec' },
  { key: 'ipsecNegotiationsDone', label: 'IPsec SA negotiations done', block: 'ipsec' },
  { key: 'ipsecNegotiationsFailed', label: 'IPsec SA negotiations failed', block: 'ipsec' },
  { key: 'ipsecRekeysActive', label: 'IPsec SA rekeys active', block: 'ipsec' },
  { key: 'ipsecRekeysDone', label: 'IPsec SA rekeys done', block: 'ipsec' },
  { key: 'ipsecRekeysFailed', label: 'IPsec SA rekeys failed', block: 'ipsec' },
];
