#include "winograd_tiles.h"
#include <string.h>

// Each transform works on 8 neighbouring tiles of a tile row at once, one vector lane per tile: a tile row's
// patches start every 2 pixels, so entry (i, j) of 8 patches is the even (j = 0, 1: from x, j = 2, 3: from x + 2)
// or odd lanes of 16 consecutive pixels. Tiles past the last whole group of 8 take the scalar path. The public
// functions are cloned for AVX2 and for baseline x86-64 (target_clones: the loader picks one); every helper is
// inlined into them, so it is compiled for both.
#define CLONES __attribute__((target_clones("avx2", "default")))
#define INLINE static inline __attribute__((always_inline))

typedef float v8 __attribute__((ext_vector_type(8)));
typedef float v8u __attribute__((ext_vector_type(8), aligned(4)));
typedef float v16 __attribute__((ext_vector_type(16)));
typedef float v16u __attribute__((ext_vector_type(16), aligned(4)));

// Helpers are macros, not functions: a function taking or returning an 8-float vector has a different ABI with
// and without AVX, which clang refuses in the baseline clone.
#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))
#define load16(p) (*(const v16u *)(p))
#define even(v) __builtin_shufflevector((v), (v), 0, 2, 4, 6, 8, 10, 12, 14)
#define odd(v) __builtin_shufflevector((v), (v), 1, 3, 5, 7, 9, 11, 13, 15)
/// (a0, b0, a1, b1, …, a7, b7): two lanes per tile back in pixel order.
#define interleave(a, b) __builtin_shufflevector((a), (b), 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15)
#define add16(p, v) (*(v16u *)(p) = *(const v16u *)(p) + (v))

/// The scratch plane of (2R + 2)·(2Q + 2) floats: the caller's `p`, or, when the caller passes NULL, an array on
/// this thread's stack (a heap allocation per image and transform would be thousands per training step).
#define PADDED_PLANE(p, R, Q) \
    float p##_stack[(p) ? 1 : (2 * (R) + 2) * (2 * (Q) + 2)]; \
    if (!(p)) (p) = p##_stack;

/// Copies a rows×columns plane into a zeroed padded_rows×padded_columns one at (offset, offset), clipped.
INLINE void pad_plane(const float *plane, long rows, long columns, long offset, float *padded, long padded_rows,
                      long padded_columns) {
    memset(padded, 0, sizeof(float) * (size_t)(padded_rows * padded_columns));
    long width = columns < padded_columns - offset ? columns : padded_columns - offset;
    long height = rows < padded_rows - offset ? rows : padded_rows - offset;
    if (width <= 0) return;
    for (long y = 0; y < height; y++)
        memcpy(padded + (y + offset) * padded_columns + offset, plane + y * columns, sizeof(float) * (size_t)width);
}

CLONES
void thermo_winograd_input(const float *image, long channels, long height, long width, long padding,
                           long tile_rows, long tile_columns, float *v, long column0, long ld, long block, float *padded) {
    PADDED_PLANE(padded, tile_rows, tile_columns);
    const long Hp = 2 * tile_rows + 2, Wp = 2 * tile_columns + 2, Q = tile_columns;
    const long whole = Q / 8 * 8;
    for (long c = 0; c < channels; c++) {
        pad_plane(image + c * height * width, height, width, padding, padded, Hp, Wp);
        for (long ty = 0; ty < tile_rows; ty++) {
            const float *r[4] = {padded + 2 * ty * Wp, padded + (2 * ty + 1) * Wp, padded + (2 * ty + 2) * Wp,
                                 padded + (2 * ty + 3) * Wp};
            float *out = v + c * ld + column0 + ty * Q;
            for (long tx = 0; tx < whole; tx += 8) {
                // d[i][j] over 8 tiles, then s = Bᵀ d row by row: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
                v8 d[4][4];
                for (int i = 0; i < 4; i++) {
                    const v16 a = load16(r[i] + 2 * tx), b = load16(r[i] + 2 * tx + 2);
                    d[i][0] = even(a); d[i][1] = odd(a); d[i][2] = even(b); d[i][3] = odd(b);
                }
                for (int j = 0; j < 4; j++) {
                    const v8 a = d[0][j], b = d[1][j], cc = d[2][j], e = d[3][j];
                    d[0][j] = a - cc; d[1][j] = b + cc; d[2][j] = cc - b; d[3][j] = b - e;
                }
                // V = s B, within each row: (a − c, b + c, c − b, b − d); entry ξ = 4i + j.
                for (int i = 0; i < 4; i++) {
                    store8(out + (4 * i + 0) * block + tx, d[i][0] - d[i][2]);
                    store8(out + (4 * i + 1) * block + tx, d[i][1] + d[i][2]);
                    store8(out + (4 * i + 2) * block + tx, d[i][2] - d[i][1]);
                    store8(out + (4 * i + 3) * block + tx, d[i][1] - d[i][3]);
                }
            }
            for (long tx = whole; tx < Q; tx++) {
                float s[4][4];
                for (int j = 0; j < 4; j++) {
                    const float a = r[0][2 * tx + j], b = r[1][2 * tx + j], cc = r[2][2 * tx + j], e = r[3][2 * tx + j];
                    s[0][j] = a - cc; s[1][j] = b + cc; s[2][j] = cc - b; s[3][j] = b - e;
                }
                for (int i = 0; i < 4; i++) {
                    out[(4 * i + 0) * block + tx] = s[i][0] - s[i][2];
                    out[(4 * i + 1) * block + tx] = s[i][1] + s[i][2];
                    out[(4 * i + 2) * block + tx] = s[i][2] - s[i][1];
                    out[(4 * i + 3) * block + tx] = s[i][1] - s[i][3];
                }
            }
        }
    }
}

CLONES
void thermo_winograd_output(const float *m, long column0, long ld, long block, long channels, long out_height, long out_width,
                            long tile_rows, long tile_columns, const float *bias, int relu, float *output,
                            float *padded) {
    PADDED_PLANE(padded, tile_rows, tile_columns);
    const long Wp = 2 * tile_columns, Q = tile_columns, whole = Q / 8 * 8;
    for (long o = 0; o < channels; o++) {
        const float b = bias[o];
        for (long ty = 0; ty < tile_rows; ty++) {
            const float *at = m + o * ld + column0 + ty * Q;
            float *top = padded + 2 * ty * Wp, *bottom = top + Wp;
            for (long tx = 0; tx < whole; tx += 8) {
                // Row i of m times A: (a + b + c, b − c − d); then Aᵀ on the left: (r0 + r1 + r2, r1 − r2 − r3).
                v8 r[4][2];
                for (int i = 0; i < 4; i++) {
                    const v8 a = load8(at + (4 * i) * block + tx), bb = load8(at + (4 * i + 1) * block + tx);
                    const v8 c = load8(at + (4 * i + 2) * block + tx), d = load8(at + (4 * i + 3) * block + tx);
                    r[i][0] = a + bb + c; r[i][1] = bb - c - d;
                }
                v8 y00 = r[0][0] + r[1][0] + r[2][0] + b, y01 = r[0][1] + r[1][1] + r[2][1] + b;
                v8 y10 = r[1][0] - r[2][0] - r[3][0] + b, y11 = r[1][1] - r[2][1] - r[3][1] + b;
                if (relu) {
                    const v8 zero = 0;
                    y00 = y00 > zero ? y00 : zero; y01 = y01 > zero ? y01 : zero;
                    y10 = y10 > zero ? y10 : zero; y11 = y11 > zero ? y11 : zero;
                }
                *(v16u *)(top + 2 * tx) = interleave(y00, y01);
                *(v16u *)(bottom + 2 * tx) = interleave(y10, y11);
            }
            for (long tx = whole; tx < Q; tx++) {
                float r[4][2];
                for (int i = 0; i < 4; i++) {
                    const float a = at[(4 * i) * block + tx], bb = at[(4 * i + 1) * block + tx];
                    const float c = at[(4 * i + 2) * block + tx], d = at[(4 * i + 3) * block + tx];
                    r[i][0] = a + bb + c; r[i][1] = bb - c - d;
                }
                float y00 = r[0][0] + r[1][0] + r[2][0] + b, y01 = r[0][1] + r[1][1] + r[2][1] + b;
                float y10 = r[1][0] - r[2][0] - r[3][0] + b, y11 = r[1][1] - r[2][1] - r[3][1] + b;
                if (relu) {
                    y00 = y00 > 0 ? y00 : 0; y01 = y01 > 0 ? y01 : 0;
                    y10 = y10 > 0 ? y10 : 0; y11 = y11 > 0 ? y11 : 0;
                }
                top[2 * tx] = y00; top[2 * tx + 1] = y01; bottom[2 * tx] = y10; bottom[2 * tx + 1] = y11;
            }
        }
        float *plane = output + o * out_height * out_width;
        for (long y = 0; y < out_height; y++)
            memcpy(plane + y * out_width, padded + y * Wp, sizeof(float) * (size_t)out_width);
    }
}

CLONES
void thermo_winograd_delta(const float *delta, long channels, long out_height, long out_width, long tile_rows,
                           long tile_columns, float *dm, long column0, long ld, long block, float *padded) {
    PADDED_PLANE(padded, tile_rows, tile_columns);
    const long Hp = 2 * tile_rows, Wp = 2 * tile_columns, Q = tile_columns, whole = Q / 8 * 8;
    for (long o = 0; o < channels; o++) {
        pad_plane(delta + o * out_height * out_width, out_height, out_width, 0, padded, Hp, Wp);
        for (long ty = 0; ty < tile_rows; ty++) {
            const float *r0 = padded + 2 * ty * Wp, *r1 = r0 + Wp;
            float *out = dm + o * ld + column0 + ty * Q;
            for (long tx = 0; tx < whole; tx += 8) {
                const v16 a = load16(r0 + 2 * tx), b = load16(r1 + 2 * tx);
                const v8 y00 = even(a), y01 = odd(a), y10 = even(b), y11 = odd(b);
                // A δ: rows (y0, y0 + y1, y0 − y1, −y1); each row (a, b) times Aᵀ: (a, a + b, a − b, −b).
                const v8 q[4][2] = {{y00, y01}, {y00 + y10, y01 + y11}, {y00 - y10, y01 - y11}, {-y10, -y11}};
                for (int i = 0; i < 4; i++) {
                    store8(out + (4 * i + 0) * block + tx, q[i][0]);
                    store8(out + (4 * i + 1) * block + tx, q[i][0] + q[i][1]);
                    store8(out + (4 * i + 2) * block + tx, q[i][0] - q[i][1]);
                    store8(out + (4 * i + 3) * block + tx, -q[i][1]);
                }
            }
            for (long tx = whole; tx < Q; tx++) {
                const float y00 = r0[2 * tx], y01 = r0[2 * tx + 1], y10 = r1[2 * tx], y11 = r1[2 * tx + 1];
                const float q[4][2] = {{y00, y01}, {y00 + y10, y01 + y11}, {y00 - y10, y01 - y11}, {-y10, -y11}};
                for (int i = 0; i < 4; i++) {
                    out[(4 * i + 0) * block + tx] = q[i][0];
                    out[(4 * i + 1) * block + tx] = q[i][0] + q[i][1];
                    out[(4 * i + 2) * block + tx] = q[i][0] - q[i][1];
                    out[(4 * i + 3) * block + tx] = -q[i][1];
                }
            }
        }
    }
}

CLONES
void thermo_winograd_input_gradient(const float *dv, long column0, long ld, long block, long channels, long height, long width,
                                    long padding, long tile_rows, long tile_columns, float *image, float *padded) {
    PADDED_PLANE(padded, tile_rows, tile_columns);
    const long Hp = 2 * tile_rows + 2, Wp = 2 * tile_columns + 2, Q = tile_columns;
    const long whole = Q / 8 * 8;
    for (long c = 0; c < channels; c++) {
        memset(padded, 0, sizeof(float) * (size_t)(Hp * Wp));
        for (long ty = 0; ty < tile_rows; ty++) {
            const float *at = dv + c * ld + column0 + ty * Q;
            float *p[4] = {padded + 2 * ty * Wp, padded + (2 * ty + 1) * Wp, padded + (2 * ty + 2) * Wp,
                           padded + (2 * ty + 3) * Wp};
            // Row i of dV times Bᵀ: (a, b − c + d, −a + b + c, −d); then B on the left: rows
            // (e0, e1 − e2 + e3, −e0 + e1 + e2, −e3); tile k's entry (i, j) goes to padded (2ty + i, 2k + j),
            // added in tile order (neighbouring patches overlap by two columns).
            for (long tx = 0; tx < whole; tx += 8) {
                v8 e[4][4];
                for (int i = 0; i < 4; i++) {
                    const v8 a = load8(at + (4 * i) * block + tx), b = load8(at + (4 * i + 1) * block + tx);
                    const v8 cc = load8(at + (4 * i + 2) * block + tx), d = load8(at + (4 * i + 3) * block + tx);
                    e[i][0] = a; e[i][1] = b - cc + d; e[i][2] = b + cc - a; e[i][3] = -d;
                }
                for (int i = 0; i < 4; i++) {
                    v8 row[4];
                    for (int j = 0; j < 4; j++) {
                        row[j] = i == 0 ? e[0][j]
                               : i == 1 ? e[1][j] - e[2][j] + e[3][j]
                               : i == 2 ? e[1][j] + e[2][j] - e[0][j]
                                        : -e[3][j];
                    }
                    add16(p[i] + 2 * tx, interleave(row[0], row[1]));
                    add16(p[i] + 2 * tx + 2, interleave(row[2], row[3]));
                }
            }
            for (long tx = whole; tx < Q; tx++) {
                float e[4][4];
                for (int i = 0; i < 4; i++) {
                    const float a = at[(4 * i) * block + tx], b = at[(4 * i + 1) * block + tx];
                    const float cc = at[(4 * i + 2) * block + tx], d = at[(4 * i + 3) * block + tx];
                    e[i][0] = a; e[i][1] = b - cc + d; e[i][2] = b + cc - a; e[i][3] = -d;
                }
                for (int j = 0; j < 4; j++) {
                    p[0][2 * tx + j] += e[0][j];
                    p[1][2 * tx + j] += e[1][j] - e[2][j] + e[3][j];
                    p[2][2 * tx + j] += e[1][j] + e[2][j] - e[0][j];
                    p[3][2 * tx + j] -= e[3][j];
                }
            }
        }
        // Pixel (y, x) is padded (y + p, x + p).
        float *plane = image + c * height * width;
        for (long y = 0; y < height; y++) {
            float *dst = plane + y * width;
            long w = y + padding < Hp ? (width < Wp - padding ? width : Wp - padding) : 0;
            if (w < 0) w = 0;
            if (w > 0) memcpy(dst, padded + (y + padding) * Wp + padding, sizeof(float) * (size_t)w);
            memset(dst + w, 0, sizeof(float) * (size_t)(width - w));
        }
    }
}
