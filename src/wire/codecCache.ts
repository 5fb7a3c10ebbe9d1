import { WireCodec, type WireContext } from './wireCodec';

/**
 * A bus's codecs, one per bundle's `WireContext` (made at its first message, dropped with the
 * context), all with the bus's size limit: what a bus needs to encode and decode for several
 * bundles. Making one checks the limit, so a bus can make its first at construction to fail early.
 */
export class CodecCache {
  private readonly codecs = new WeakMap<WireContext, WireCodec>();

  /** @param maxMessageBytes the bus's limit; undefined: the codec's default. */
  constructor(private readonly maxMessageBytes: number | undefined) {}

  /** The codec of `context`. */
  for(context: WireContext): WireCodec {
    let codec = this.codecs.get(context);
    if (codec === undefined) {
      codec = new WireCodec(
        this.maxMessageBytes === undefined ? context : { ...context, maxMessageBytes: this.maxMessageBytes },
      );
      this.codecs.set(context, codec);
    }
    return codec;
  }
}
