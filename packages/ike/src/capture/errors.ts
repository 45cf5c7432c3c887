/**
 * Structural failure while reading a capture file. `offset` is the absolute
 * byte offset in the capture where the problem was found, so a bad file can be
 * inspected with a hex dump at exactly that place.
 */
export class CaptureParseError extends Error {
  override readonly name = 'CaptureParseError';
  readonly offset: number;

  constructor(offset: number, what: string) {
    super(`capture: at byte offset ${offset}: ${what}`);
    this.offset = offset;
  }
}
