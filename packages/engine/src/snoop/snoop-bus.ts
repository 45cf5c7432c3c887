/**
 * `ike -snoop -brief | -full | -off [peer]`: decides which snoop lines reach
 * the event bus. The core renders every line from the datagram bytes it just
 * decoded; this filter only drops lines (mode off, other peer) and strips
 * the `-full` detail in brief mode. The datagram store keeps everything
 * regardless of the snoop mode.
 */
import type { SnoopMessageEvent } from '@tunnelscope/api';
import type { Endpoint } from '../io/transport.ts';

export type SnoopMode = 'brief' | 'full' | 'off';

export interface SnoopOptions {
  /** Only lines whose remote endpoint is this address (`a.b.c.d`) or endpoint (`a.b.c.d:port`). */
  peer?: string;
}

export class SnoopFilter {
  private currentMode: SnoopMode = 'off';
  private peer: string | undefined;

  setMode(mode: SnoopMode, options: SnoopOptions = {}): void {
    this.currentMode = mode;
    this.peer = options.peer?.trim() || undefined;
  }

  mode(): SnoopMode {
    return this.currentMode;
  }

  peerFilter(): string | undefined {
    return this.peer;
  }

  /** Whether the core should compute the structured `-full` decode. */
  wantsDetail(): boolean {
    return this.currentMode === 'full';
  }

  matchesPeer(remote: Endpoint): boolean {
    if (this.peer === undefined) return true;
    return this.peer === remote.address || this.peer === `${remote.address}:${remote.port}`;
  }

  /** The line as it should be published, or undefined when snoop is off or for another peer. */
  apply(line: SnoopMessageEvent): SnoopMessageEvent | undefined {
    if (this.currentMode === 'off' || !this.matchesPeer(line.remote)) return undefined;
    if (this.currentMode === 'brief' && line.detail !== undefined) {
      const { detail: _detail, ...brief } = line;
      return brief;
    }
    return line;
  }
}
