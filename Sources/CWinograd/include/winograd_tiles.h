#ifndef THERMO_WINOGRAD_TILES_H
#define THERMO_WINOGRAD_TILES_H

/// The four tile transforms of the Winograd F(2×2, 3×3) convolution (see WinogradConvolution.swift for the
/// maths), one image at a time. Tile t = ty·Q + tx of an image (R tile rows, Q tile columns) is column
/// column0 + t of the transformed matrices, whose 16 entries ξ = 4i + j are blocks of `channels` rows of `ld`
/// floats, `block` floats apart. `padded` is caller scratch of (2R + 2)·(2Q + 2) floats, or NULL for a
/// plane on the calling thread's stack. Plain C so that the loops over tiles can be
/// compiled for AVX2 beside the baseline x86-64 build, chosen at load time (target_clones).

/// V = Bᵀ d B for every channel and tile of one C×H×W image with `padding` zero rows/columns on each side.
void thermo_winograd_input(const float *image, long channels, long height, long width, long padding,
                           long tile_rows, long tile_columns, float *v, long column0, long ld, long block, float *padded);

/// Y = Aᵀ m A + bias for every channel and tile, then ReLU when `relu`, into a C×H_out×W_out image.
void thermo_winograd_output(const float *m, long column0, long ld, long block, long channels, long out_height, long out_width,
                            long tile_rows, long tile_columns, const float *bias, int relu, float *output,
                            float *padded);

/// dM = A δ Aᵀ for every channel and tile of one C×H_out×W_out δ (0 past an odd H_out or W_out).
void thermo_winograd_delta(const float *delta, long channels, long out_height, long out_width, long tile_rows,
                           long tile_columns, float *dm, long column0, long ld, long block, float *padded);

/// ∂L/∂d = B dV Bᵀ for every channel and tile, summed over the overlapping patches, written into a C×H×W image
/// (entries in the padding vanish; pixels no tile reaches get 0).
void thermo_winograd_input_gradient(const float *dv, long column0, long ld, long block, long channels, long height, long width,
                                    long padding, long tile_rows, long tile_columns, float *image, float *padded);

#endif
