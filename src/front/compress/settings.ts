// A location's compression settings in the form the front uses per request, made once at
// start-up from the typed config (gzip, gzip_types, ..., brotli_comp_level).

import type { CompressionConfig } from '../../config/types.ts';
import type { Encoding, EncodingOffer } from './accept-encoding.ts';
import { isCompressible } from './compressible.ts';

export type CodingSettings = {
  /** gzip's level 1..9 or brotli's quality 0..11. */
  readonly level: number;
  /** Bodies with a known length below this are sent as they are. */
  readonly minLength: number;
  /** Lower-case media types, `*` for all; text/html is always among them (as in nginx). */
  readonly types: ReadonlySet<string>;
};

/** Per coding: null when it is off. */
export type CompressionSettings = { readonly gzip: CodingSettings | null; readonly br: CodingSettings | null };

/** The location's settings, or null when neither gzip nor brotli is on. */
export function compressionSettings(config: CompressionConfig): CompressionSettings | null {
  if (!config.gzip && !config.brotli) return null;
  const coding = (on: boolean, level: number, minLength: number, types: readonly string[]): CodingSettings | null =>
    on ? { level, minLength, types: new Set(['text/html', ...types]) } : null;
  return {
    gzip: coding(config.gzip, config.gzipCompLevel, config.gzipMinLength, config.gzipTypes),
    br: coding(config.brotli, config.brotliCompLevel, config.brotliMinLength, config.brotliTypes),
  };
}

/**
 * The codings a response of this type and length (-1: unknown) may get: the offer that
 * chooseEncoding picks from.
 */
export function offerFor(settings: CompressionSettings, contentType: string, length: number): EncodingOffer {
  return { br: eligible(settings.br, contentType, length), gzip: eligible(settings.gzip, contentType, length) };
}

function eligible(coding: CodingSettings | null, contentType: string, length: number): boolean {
  return coding !== null && (length < 0 || length >= coding.minLength) && isCompressible(contentType, coding.types);
}

/** The level of a coding the offer allowed. */
export function levelOf(settings: CompressionSettings, encoding: Encoding): number {
  return (encoding === 'br' ? settings.br : settings.gzip)?.level ?? 0;
}
