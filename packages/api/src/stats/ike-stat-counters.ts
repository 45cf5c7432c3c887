/**
 * The `ike -stat` counters (seed 13.6.3): exactly the table's rows. The
 * engine's `IKE_STAT_ROWS` gives each field its label and order.
 */
import { Type, type Static } from '@sinclair/typebox';

const Count = Type.Integer({ minimum: 0 });

export const IkeStatCountersSchema = Type.Object(
  {
    ikeSasActive: Count,
    ikeNegotiationsActive: Count,
    ikeNegotiationsDone: Count,
    ikeNegotiationsFailed: Count,
    ikeRekeysActive: Count,
    ikeRekeysDone: Count,
    ikeRekeysFailed: Count,
    ipsecSasActive: Count,
    ipsecNegotiationsActive: Count,
    ipsecNegotiationsDone: Count,
    ipsecNegotiationsFailed: Count,
    ipsecRekeysActive: Count,
    ipsecRekeysDone: Count,
    ipsecRekeysFailed: Count,
  },
  { additionalProperties: false },
);
export type IkeStatCounters = Static<typeof IkeStatCountersSchema>;
export type IkeStatCounterName = keyof IkeStatCounters;
