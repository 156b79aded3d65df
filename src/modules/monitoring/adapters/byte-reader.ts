/**
 * Reads big-endian fields off a received datagram, refusing any read past its end: the discovery
 * decoders (SLP, mDNS) build on it, each throwing its own error class for a message too short.
 */
export class ByteReader {
  constructor(
    protected readonly buf: Buffer,
    private readonly tooShort: (message: string) => Error,
    public at = 0,
  ) {}
  u8() {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }
  u16() {
    this.need(2);
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u24() {
    this.need(3);
    const v = this.buf.readUIntBE(this.at, 3);
    this.at += 3;
    return v;
  }
  u32() {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number) {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  skip(n: number) {
    this.need(n);
    this.at += n;
  }
  protected need(n: number) {
    if (this.at + n > this.buf.length) throw this.tooShort('message shorter than its fields');
  }
}

/**
 * A text a device announced about itself (name, model, class), as shown to operators: control
 * characters dropped, trimmed and bounded; null when nothing is left.
 */
export const announcedText = (s: string | undefined, max: number): string | null => {
  const v = s
    ?.replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, max);
  return v ? v : null;
};
