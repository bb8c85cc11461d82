'use strict';
// The benchmark's gzip app: 100 KiB of English-like text (102,400 bytes, text/plain,
// Content-Length) at every path, the same bytes in every setup and every run (a fixed seed).
// Words drawn at random from a small vocabulary compress about as well as prose (3-4x at
// gzip level 1), unlike repeated text, which would make compression unrealistically cheap.

const SIZE = 100 * 1024;
const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there been one all we their has would when if so no will can more other its into than time ' +
  'request response server client worker front proxy header body cache file static compress stream connection ' +
  'benchmark latency throughput memory process socket buffer timeout keep alive handshake certificate protocol'
).split(' ');

function text() {
  let seed = 20261124;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let out = '';
  let line = '';
  while (out.length < SIZE) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    if (line.length + word.length + 1 > 78) {
      out += `${line}.\n`;
      line = '';
    }
    line += line === '' ? word[0].toUpperCase() + word.slice(1) : ` ${word}`;
  }
  return out.slice(0, SIZE - 1) + '\n';
}

const BODY = Buffer.from(text());
const HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(BODY.length) };

module.exports = function text100k(req, res) {
  res.writeHead(200, HEADERS);
  res.end(BODY);
};
module.exports.body = BODY;
