/**
 * JS objects -> strongswan.conf / swanctl.conf text (the same settings
 * syntax, see strongswan.conf(5)): nested objects are sections, every
 * setting on its own line (swanctl rejects `{ a = 1 b = 2 }`), arrays become
 * comma-separated lists, booleans yes/no.
 */

export type ConfScalar = string | number | boolean;
export type ConfValue = ConfScalar | readonly ConfScalar[] | ConfSection;
export interface ConfSection {
  readonly [key: string]: ConfValue | undefined;
}

const BARE_VALUE = /^[A-Za-z0-9_.:/@+\-,*%[\]=]+$/;
const KEY = /^[A-Za-z0-9_.\-*]+$/;

function renderScalar(value: ConfScalar): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (value !== '' && BARE_VALUE.test(value) && !value.includes('=')) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function isSection(value: ConfValue): value is ConfSection {
  return typeof value === 'object' && !Array.isArray(value);
}

/**
 * Renders `section` as settings text, two-space indented. Keys whose value is
 * undefined are left out. Throws on keys the format cannot express.
 */
export function renderConf(section: ConfSection, indent = ''): string {
  let out = '';
  for (const [key, value] of Object.entries(section)) {
    if (value === undefined) continue;
    if (!KEY.test(key)) throw new Error(`strongswan conf: key ${JSON.stringify(key)} has characters the format cannot express`);
    if (isSection(value)) {
      out += `${indent}${key} {\n${renderConf(value, `${indent}  `)}${indent}}\n`;
    } else if (Array.isArray(value)) {
      out += `${indent}${key} = ${value.map((v: ConfScalar) => renderScalar(v)).join(',')}\n`;
    } else {
      out += `${indent}${key} = ${renderScalar(value as ConfScalar)}\n`;
    }
  }
  return out;
}
