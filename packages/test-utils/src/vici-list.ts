/**
 * Parses `swanctl --list-sas --pretty` (vici messages printed one element per
 * line) into JS. Pretty output is used rather than --raw because raw output
 * does not quote values, so a value with spaces (an ASN.1 DN identity) would
 * be ambiguous there; pretty output puts every value on its own line:
 *
 *   list-sa event {
 *     gw {
 *       uniqueid = 1
 *       local-ts = [
 *         192.168.10.0/24
 *       ]
 *       child-sas {
 *         net-1 {
 *   ...
 *   list-sas reply {
 *   }
 */

export type ViciValue = string | string[] | ViciSection;
export interface ViciSection {
  [key: string]: ViciValue;
}

export interface ViciMessage {
  /** e.g. 'list-sa event' or 'list-sas reply'. */
  kind: string;
  body: ViciSection;
}

/** Parses pretty-printed vici messages. Throws Error naming the line on malformed input. */
export function parseViciPretty(text: string): ViciMessage[] {
  const lines = text.split('\n');
  const messages: ViciMessage[] = [];
  const stack: ViciSection[] = [];
  let list: string[] | undefined;
  let current: ViciMessage | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const fail = (what: string): never => {
      throw new Error(`vici pretty output line ${index + 1}: ${what}: ${JSON.stringify(raw)}`);
    };
    if (list) {
      if (line === ']') list = undefined;
      else list.push(line);
      return;
    }
    if (stack.length === 0) {
      const open = /^(.*) \{$/.exec(line);
      if (!open) return fail('expected a message header');
      current = { kind: open[1] ?? '', body: {} };
      messages.push(current);
      stack.push(current.body);
      return;
    }
    const top = stack[stack.length - 1] as ViciSection;
    if (line === '}') {
      stack.pop();
      return;
    }
    const section = /^(.+) \{$/.exec(line);
    if (section) {
      const child: ViciSection = {};
      top[section[1] ?? ''] = child;
      stack.push(child);
      return;
    }
    const listOpen = /^(.+) = \[$/.exec(line);
    if (listOpen) {
      list = [];
      top[listOpen[1] ?? ''] = list;
      return;
    }
    const pair = /^(.+?) = (.*)$/.exec(line);
    if (pair) {
      top[pair[1] ?? ''] = pair[2] ?? '';
      return;
    }
    const emptyValue = /^(.+?) =$/.exec(line);
    if (emptyValue) {
      top[emptyValue[1] ?? ''] = '';
      return;
    }
    fail('unrecognised line');
  });
  if (stack.length !== 0 || list) throw new Error('vici pretty output ended inside a section');
  return messages;
}

export interface ChildSaInfo {
  /** The key in child-sas, e.g. 'net-1'. */
  key: string;
  name: string;
  uniqueId: number;
  state: string;
  mode: string;
  protocol: string;
  encap: boolean;
  spiIn: string;
  spiOut: string;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  dhGroup?: string;
  localTs: string[];
  remoteTs: string[];
  raw: ViciSection;
}

export interface IkeSaInfo {
  name: string;
  uniqueId: number;
  state: string;
  version: number;
  localHost: string;
  localPort: number;
  localId: string;
  remoteHost: string;
  remotePort: number;
  remoteId: string;
  /** True when this side initiated the IKE_SA. */
  initiator: boolean;
  initiatorSpi: string;
  responderSpi: string;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  prfAlg?: string;
  dhGroup?: string;
  natRemote: boolean;
  childSas: ChildSaInfo[];
  raw: ViciSection;
}

const str = (section: ViciSection, key: string): string => {
  const value = section[key];
  return typeof value === 'string' ? value : '';
};
const optStr = (section: ViciSection, key: string): string | undefined => {
  const value = section[key];
  return typeof value === 'string' ? value : undefined;
};
const optNum = (section: ViciSection, key: string): number | undefined => {
  const value = optStr(section, key);
  return value === undefined ? undefined : Number(value);
};
const strList = (section: ViciSection, key: string): string[] => {
  const value = section[key];
  return Array.isArray(value) ? value : [];
};
const sub = (section: ViciSection, key: string): ViciSection => {
  const value = section[key];
  return typeof value === 'object' && !Array.isArray(value) ? value : {};
};

/**
 * Turns `swanctl --list-sas --pretty` output into one IkeSaInfo per IKE_SA
 * (each `list-sa event` holds one, keyed by connection name).
 */
export function parseListSas(text: string): IkeSaInfo[] {
  const sas: IkeSaInfo[] = [];
  for (const message of parseViciPretty(text)) {
    if (message.kind !== 'list-sa event') continue;
    for (const [name, value] of Object.entries(message.body)) {
      if (typeof value !== 'object' || Array.isArray(value)) continue;
      const childSas = Object.entries(sub(value, 'child-sas')).flatMap(([key, child]): ChildSaInfo[] => {
        if (typeof child !== 'object' || Array.isArray(child)) return [];
        return [
          {
            key,
            name: str(child, 'name'),
            uniqueId: Number(str(child, 'uniqueid')),
            state: str(child, 'state'),
            mode: str(child, 'mode'),
            protocol: str(child, 'protocol'),
            encap: str(child, 'encap') === 'yes',
            spiIn: str(child, 'spi-in'),
            spiOut: str(child, 'spi-out'),
            encrAlg: optStr(child, 'encr-alg'),
            encrKeysize: optNum(child, 'encr-keysize'),
            integAlg: optStr(child, 'integ-alg'),
            dhGroup: optStr(child, 'dh-group'),
            localTs: strList(child, 'local-ts'),
            remoteTs: strList(child, 'remote-ts'),
            raw: child,
          },
        ];
      });
      sas.push({
        name,
        uniqueId: Number(str(value, 'uniqueid')),
        state: str(value, 'state'),
        version: Number(str(value, 'version')),
        localHost: str(value, 'local-host'),
        localPort: Number(str(value, 'local-port')),
        localId: str(value, 'local-id'),
        remoteHost: str(value, 'remote-host'),
        remotePort: Number(str(value, 'remote-port')),
        remoteId: str(value, 'remote-id'),
        initiator: str(value, 'initiator') === 'yes',
        initiatorSpi: str(value, 'initiator-spi'),
        responderSpi: str(value, 'responder-spi'),
        encrAlg: optStr(value, 'encr-alg'),
        encrKeysize: optNum(value, 'encr-keysize'),
        integAlg: optStr(value, 'integ-alg'),
        prfAlg: optStr(value, 'prf-alg'),
        dhGroup: optStr(value, 'dh-group'),
        natRemote: str(value, 'nat-remote') === 'yes',
        childSas,
        raw: value,
      });
    }
  }
  return sas;
}
