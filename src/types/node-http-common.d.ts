// Node's HTTP/1 parser binding (llhttp) as node:http itself uses it, reached through the
// `_http_common` module. @types/node does not describe it; this is the part edge uses.
// Callbacks are installed as indexed properties (kOnHeaders ... kOnExecute).

declare module 'node:_http_common' {
  export const methods: readonly string[];

  export class HTTPParser {
    static readonly REQUEST: 1;
    static readonly RESPONSE: 2;
    static readonly kOnMessageBegin: number;
    static readonly kOnHeaders: number;
    static readonly kOnHeadersComplete: number;
    static readonly kOnBody: number;
    static readonly kOnMessageComplete: number;
    static readonly kOnExecute: number;
    static readonly kLenientNone: number;
    [index: number]: unknown;
    initialize(type: 1 | 2, resource: object, maxHeaderSize?: number, lenient?: number): void;
    /** Bytes parsed, or an Error with `code` (HPE_*), `reason` and `bytesParsed`. */
    execute(data: Buffer): number | (Error & { code: string; reason?: string; bytesParsed?: number });
    /** End of input: completes a close-delimited message, or an Error if one was cut short. */
    finish(): undefined | (Error & { code: string });
    /** Reads from a stream handle (a socket's `_handle`) straight into the parser. */
    consume(handle: object): void;
    unconsume(): void;
    pause(): void;
    resume(): void;
    remove(): void;
    free(): void;
    close(): void;
  }
}
