/**
 * The hook for the demo lab (peer gateways on 127.0.1.x with the seed's
 * misconfigurations). The lab is wired by its own owner; the server only
 * starts and stops it beside the engine and reports whether it runs.
 *
 * Contract: `start` resolves once the lab's peers are bound and configured
 * (they then negotiate with the gateway on their own); `stop` is idempotent.
 */
export interface LabPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Short human description of each peer, for the console banner. */
  describe(): string[];
}
