'use strict';
/**
 * CRC-32 (IEEE 802.3, the polynomial PNG chunks and ZIP entries use), table-driven.
 *
 * Node 20.15+ has `zlib.crc32`, but the project supports every Node 20, so it carries its own.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `data`; pass a previous result as `crc` to continue over several buffers.
 * @param {Uint8Array} data
 * @param {number} [crc]
 * @returns {number} unsigned 32-bit CRC
 */
function crc32(data, crc = 0) {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

module.exports = { crc32 };
