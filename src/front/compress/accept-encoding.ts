// Which content coding a response gets, from the request's Accept-Encoding (RFC 9110
// 12.5.3): codings with q-values, `*` for any coding not named, `identity` for none.
// Where clients send something the RFC does not allow, edge does what nginx does.

export type Encoding = 'br' | 'gzip';

/** What the server can send for this response. */
export type EncodingOffer = { br: boolean; gzip: boolean };

// q = 0 / 0.d{0,3} / 1 / 1.0{0,3}. Anything else (q=2, q=abc, q=.5) refuses the coding, as
// nginx's ngx_http_gzip_quantity does; Node's negotiator also refuses `abc` (NaN).
const qvalue = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The coding to use, or null for none (identity). No Accept-Encoding means none, as in
 * nginx and every server (RFC 9110 allows any, but clients that omit it are old or
 * scripts). Names are case-insensitive, `x-gzip` is gzip (RFC 9110 8.4.1.3); q=0 refuses a
 * coding; `*` stands for the codings not named; a coding whose q is lower than that of
 * `identity` (written out) is not used. At equal q, br is preferred over gzip, whatever
 * order the client lists them in.
 */
export function chooseEncoding(acceptEncoding: string | undefined, offer: EncodingOffer): Encoding | null {
  if (acceptEncoding === undefined || (!offer.br && !offer.gzip)) return null;
  // -1: not named.
  let br = -1;
  let gzip = -1;
  let star = -1;
  let identity = -1;
  for (const element of acceptEncoding.split(',')) {
    const semi = element.indexOf(';');
    const name = (semi === -1 ? element : element.slice(0, semi)).trim().toLowerCase();
    if (name === '') continue;
    const q = semi === -1 ? 1 : quality(element.slice(semi + 1));
    // A coding named twice keeps its highest q.
    if (name === 'br') br = Math.max(br, q);
    else if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip, q);
    else if (name === '*') star = Math.max(star, q);
    else if (name === 'identity') identity = Math.max(identity, q);
  }
  const brQ = offer.br ? (br === -1 ? star : br) : -1;
  const gzipQ = offer.gzip ? (gzip === -1 ? star : gzip) : -1;
  const best = Math.max(brQ, gzipQ);
  if (best <= 0 || identity > best) return null;
  return brQ === best ? 'br' : 'gzip';
}

/** The q of a coding's parameters (`q=0.5`, ` Q = 1`); other parameters are ignored. */
function quality(params: string): number {
  for (const param of params.split(';')) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
    const value = param.slice(eq + 1).trim();
    return qvalue.test(value) ? Number(value) : 0;
  }
  return 1;
}

/** The request's Accept-Encoding (several fields joined), from name, value, name, value. */
export function acceptEncodingOf(headers: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name.length !== 15 || name.toLowerCase() !== 'accept-encoding') continue;
    const v = headers[i + 1] as string;
    value = value === undefined ? v : `${value}, ${v}`;
  }
  return value;
}
