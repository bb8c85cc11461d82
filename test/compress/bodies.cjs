// Bodies that the compression tests' app sends and the tests compare with: the same code on
// both sides, so a decoded body can be checked byte for byte.

/** `size` letters a..p from a xorshift seeded with `seed`: text that gzip halves, not more. */
function makeText(seed, size) {
  let x = seed >>> 0 || 1;
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = 97 + (x & 15);
  }
  return out;
}

/** A 20 KB HTML page: compressible, with a little of everything. */
const page = Buffer.from(
  `<!doctype html>\n<html><head><title>edge</title><link rel="stylesheet" href="/s.css"></head><body>\n${Array.from(
    { length: 300 },
    (_, i) => `<p class="row">Row ${i}: ${makeText(i + 1, 16).toString('latin1')} — café</p>\n`,
  ).join('')}</body></html>\n`,
);

module.exports = { makeText, page };
