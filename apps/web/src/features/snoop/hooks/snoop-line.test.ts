import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../lib/api-types.ts';
import { countTextLines, lineFromEvent, lineMatches, parseSummary, summaryFromText } from './snoop-line.ts';

const SEED_AUTH = 'SNOOP: IKEv2: 2025-11-22 12:30:09 172.22.53.18:500 <- 172.22.53.23:500\n IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N)\n   N(NON_FIRST_FRAG) ]';

describe('snoop lines', () => {
  it('reads the seed brief notation, wrapped or not', () => {
    expect(summaryFromText(SEED_AUTH)).toBe('IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) N(ESP_TFC_PAD_N) N(NON_FIRST_FRAG) ]');
    expect(parseSummary(summaryFromText(SEED_AUTH))).toEqual({
      exchange: 'IKE_AUTH',
      response: false,
      messageId: 1,
      payloads: ['IDi', 'AUTH', 'SA', 'TSi', 'TSr', 'N(INIT_CONTACT)', 'N(ESP_TFC_PAD_N)', 'N(NON_FIRST_FRAG)'],
      errorCodes: [],
    });
    expect(countTextLines(SEED_AUTH)).toBe(3);
  });

  it('marks error notifies and nothing else', () => {
    expect(parseSummary('IKE_SA_INIT response 0 [ N(NO_PROP) ]').errorCodes).toEqual(['NO_PROP']);
    expect(parseSummary('IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(MULT_AUTH) ]').errorCodes).toEqual([]);
  });

  it('turns a live snoop event into a filterable line', () => {
    const event: StoredEvent = {
      id: 31,
      time: 1,
      topic: 'snoop',
      type: 'snoop.message',
      code: null,
      tunnel: 'mismatch-a',
      peer: '127.0.0.4',
      text: 'SNOOP: IKEv2: 2026-11-27 10:21:05 127.0.0.3:500 <- 127.0.0.4:500\n IKE_SA_INIT response 0 [ N(NO_PROP) ]',
      event: {
        type: 'snoop.message',
        direction: 'in',
        local: { address: '127.0.0.3', port: 500 },
        remote: { address: '127.0.0.4', port: 500 },
        datagramIds: [12],
        summary: 'IKE_SA_INIT response 0 [ N(NO_PROP) ]',
      },
    };
    const line = lineFromEvent(event)!;
    expect(line).toMatchObject({ key: 'd12', datagramId: 12, direction: 'in', exchange: 'IKE_SA_INIT', response: true, errorCodes: ['NO_PROP'], textLines: 2 });
    const none = { peer: '', tunnel: '', exchange: '', error: '', q: '' };
    expect(lineMatches(line, none)).toBe(true);
    expect(lineMatches(line, { ...none, peer: '127.0.0.4', error: 'any' })).toBe(true);
    expect(lineMatches(line, { ...none, exchange: 'IKE_AUTH' })).toBe(false);
    expect(lineMatches(line, { ...none, error: 'AUTH_FAILED' })).toBe(false);
    expect(lineFromEvent({ ...event, type: 'log.event' })).toBeNull();
  });
});
