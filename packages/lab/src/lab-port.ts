/**
 * The lab as the server hosts it (apps/server's `LabPort`: start, stop,
 * describe). `start` runs the default mix; the server passes the lab's
 * `demoConfig()` to the local gateway and, for the scenarios the local
 * gateway must initiate, attaches its gateway with `attachLocalGateway`.
 */
import type { Lab } from './lab.ts';

/** Structurally the server's `LabPort` (the lab does not import the server). */
export interface LabHostPort {
  /** Resolves once the default mix's peers are bound; they then negotiate on their own. */
  start(): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
  /** One line per running scenario peer, for the console banner. */
  describe(): string[];
}

export function labHostPort(lab: Lab): LabHostPort {
  return {
    start: () => lab.startDefaultMix(),
    stop: () => lab.stopAll(),
    describe: () => lab.describe(),
  };
}
