#include <wasm_simd128.h>
#include <stdint.h>
// Prototype of a structural pass (not product code): 64 bytes at a time it builds masks of
// quotes, backslashes, digits, high bytes and '@' ':' '='; walks the quotes to find each string;
// a string is "flagged" when it holds a digit run of 11+, a non-ASCII byte, '@', ':' or '='.
// The caller pads the body with spaces to a multiple of 64. Returns strings << 16 | flagged.
extern unsigned char __heap_base;
unsigned char* buf_ptr(void) { return &__heap_base; }

static inline uint64_t eq(v128_t v, char c, int k) {
  return (uint64_t)(uint16_t)wasm_i8x16_bitmask(wasm_i8x16_eq(v, wasm_i8x16_splat(c))) << (16 * k);
}

int scan(int n) {
  const unsigned char* b = &__heap_base;
  int in_string = 0, cur = 0, strings = 0, flagged = 0, digit_tail = 0, pending_escape = 0;
  for (int off = 0; off < n; off += 64) {
    uint64_t q = 0, bs = 0, dg = 0, hi = 0, st = 0;
    for (int k = 0; k < 4; k++) {
      v128_t v = wasm_v128_load(b + off + 16 * k);
      q |= eq(v, '"', k);
      bs |= eq(v, '\\', k);
      v128_t d = wasm_v128_and(wasm_u8x16_ge(v, wasm_i8x16_splat('0')), wasm_u8x16_le(v, wasm_i8x16_splat('9')));
      dg |= (uint64_t)(uint16_t)wasm_i8x16_bitmask(d) << (16 * k);
      hi |= (uint64_t)(uint16_t)wasm_i8x16_bitmask(v) << (16 * k);
      st |= eq(v, '@', k) | eq(v, ':', k) | eq(v, '=', k);
    }
    if (bs | pending_escape) {
      // rare: escapes resolved bit by bit
      uint64_t esc = 0; int skip = pending_escape; pending_escape = 0;
      for (int i = 0; i < 64; i++) {
        if (skip) { esc |= 1ULL << i; skip = 0; continue; }
        if (bs >> i & 1) { if (i == 63) pending_escape = 1; else skip = 1; }
      }
      q &= ~esc;
    }
    // digit runs of 11 or more, carried across blocks
    uint64_t r = dg;
    for (int s = 1; s < 11; s++) r &= dg >> s | (~0ULL << (64 - s));
    uint64_t lead = ~dg ? (uint64_t)__builtin_ctzll(~dg) : 64;
    if (digit_tail && digit_tail + (int)lead >= 11) r |= 1;
    digit_tail = dg == ~0ULL ? digit_tail + 64 : (int)__builtin_clzll(~dg);
    uint64_t flags = r | hi | st;
    uint64_t quotes = q;
    int last = 0;
    while (quotes) {
      int p = __builtin_ctzll(quotes);
      uint64_t seg = (p == 0 ? 0 : (~0ULL >> (64 - p))) & (~0ULL << last);
      if (in_string) {
        if (flags & seg) cur = 1;
        strings++; flagged += cur; cur = 0; in_string = 0;
      } else { in_string = 1; cur = 0; }
      last = p + 1;
      quotes &= quotes - 1;
    }
    if (in_string && last < 64 && (flags & (~0ULL << last))) cur = 1;
  }
  return (strings << 16) | (flagged & 0xffff);
}
