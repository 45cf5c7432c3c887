/**
 * A tunnel's networks as written (CIDRs, bare addresses, address book
 * names such as all-nets-ip4) resolved to ranges, with the facts rules ask
 * about: is it all-nets, were host bits written.
 */
import { PREDEFINED_ADDRESS_BOOK, type GatewayConfig } from '@tunnelscope/api';
import { describeRange, isAllNets, parseNetwork, type IpRange } from './ip-networks.ts';

export interface ResolvedReference {
  /** As written in the config. */
  readonly reference: string;
  readonly ranges: readonly IpRange[];
  /** An address book name (predefined or configured). */
  readonly named: boolean;
}

export type AddressBook = ReadonlyMap<string, readonly string[]>;

export function addressBookOf(config: Pick<GatewayConfig, 'addressBook'>): AddressBook {
  const book = new Map<string, readonly string[]>();
  for (const entry of [...PREDEFINED_ADDRESS_BOOK, ...config.addressBook]) book.set(entry.name, [...entry.networks]);
  return book;
}

export function resolveReference(reference: string, book: AddressBook): ResolvedReference {
  const named = book.get(reference);
  if (named !== undefined) {
    return { reference, named: true, ranges: named.flatMap((text) => parseNetwork(text)?.range ?? []) };
  }
  const parsed = parseNetwork(reference);
  return { reference, named: false, ranges: parsed ? [parsed.range] : [] };
}

export function resolveReferences(references: readonly string[], book: AddressBook): IpRange[] {
  return references.flatMap((reference) => resolveReference(reference, book).ranges);
}

/** True when any reference stands for every address (all-nets-ip4, 0.0.0.0/0, ::/0, or a book entry holding one). */
export function coversAllNets(references: readonly string[], book: AddressBook): boolean {
  return resolveReferences(references, book).some(isAllNets);
}

export function describeRanges(ranges: readonly IpRange[]): string {
  return ranges.map(describeRange).join(', ') || '(none)';
}
