import NumericCore

/// The forward and backward pass of one dense layer on a row-major batch, written as llm.c writes its kernels:
/// one function each, with the mathematics beside the code. B is the batch size, n_in and n_out the widths.
public enum Dense {
    /// Forward: Z = A_in W^T + 1 bᵀ, then A_out = φ(Z) when `activation` is given (hidden layers) or
    /// A_out = Z (the output layer's logits).
    ///
    /// - Parameters:
    ///   - input: A_in, (B, n_in)
    ///   - weights: W, (n_out, n_in)
    ///   - bias: b, (n_out)
    ///   - output: A_out, (B, n_out)
    @inline(__always)
    public static func forward(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               output: UnsafeMutablePointer<Float>, batch: Int, inputs: Int, outputs: Int,
                               activation: Activation?) {
        // (B, n_out) = (B, n_in) · (n_out, n_in)ᵀ
        BLAS.sgemm(.none, .transposed, m: batch, n: outputs, k: inputs,
                   a: input, lda: inputs, b: weights, ldb: inputs, c: output, ldc: outputs)
        // Bias and nonlinearity in one pass over the output.
        for r in 0..<batch {
            let row = output + r * outputs
            switch activation {
            case .none:
                for j in 0..<outputs { row[j] += bias[j] }
            case .relu?:
                for j in 0..<outputs { let z = row[j] + bias[j]; row[j] = z > 0 ? z : 0 }
            case .tanh?:
                for j in 0..<outputs { row[j] += bias[j] }
                tanhInPlace(row, count: outputs)
            }
        }
    }

    /// Backward of Z = A_in Wᵀ + 1 bᵀ, given δ = ∂L/∂Z, (B, n_out):
    ///   ∂L/∂W = δᵀ A_in, (n_out, n_in)  — added to `weightGradient` scaled by `beta` (0: overwrite, 1: accumulate);
    ///   ∂L/∂b = Σ_rows δ, (n_out)        — likewise into `biasGradient`;
    ///   ∂L/∂A_in = δ W, (B, n_in)       — written to `inputGradient` when it is non-nil (skipped for layer 1).
    /// `ones` holds at least B ones (the bias gradient is the GEMV δᵀ·1).
    @inline(__always)
    public static func backward(delta: UnsafePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                inputGradient: UnsafeMutablePointer<Float>?, batch: Int, inputs: Int, outputs: Int,
                                ones: UnsafePointer<Float>, beta: Float = 0) {
        backwardRows(delta: delta, input: input, weights: weights, weightGradient: weightGradient,
                     biasGradient: biasGradient, inputGradient: inputGradient, batch: batch, inputs: inputs,
                     outputs: outputs, ones: ones, beta: beta, outputRows: 0..<outputs, batchRows: 0..<batch)
    }

    /// One row block's share of `backward`: ∂W and ∂b for the output units `outputRows` (each a sum over the whole
    /// batch, in the same order as `backward`), and ∂L/∂A_in for the batch rows `batchRows`; the blocks of a split
    /// together give what `backward` gives, which is this over all output units and all rows.
    @inline(__always)
    public static func backwardRows(delta: UnsafePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                    weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                    inputGradient: UnsafeMutablePointer<Float>?, batch: Int, inputs: Int, outputs: Int,
                                    ones: UnsafePointer<Float>, beta: Float, outputRows: Range<Int>, batchRows: Range<Int>) {
        if !outputRows.isEmpty {
            // (o, n_in) = (B, o)ᵀ · (B, n_in) for the block's o output units
            BLAS.sgemm(.transposed, .none, m: outputRows.count, n: inputs, k: batch, a: delta + outputRows.lowerBound,
                       lda: outputs, b: input, ldb: inputs, beta: beta, c: weightGradient + outputRows.lowerBound * inputs,
                       ldc: inputs)
            BLAS.sgemv(.transposed, m: batch, n: outputRows.count, a: delta + outputRows.lowerBound, lda: outputs, x: ones,
                       beta: beta, y: biasGradient + outputRows.lowerBound)
        }
        if let inputGradient, !batchRows.isEmpty {
            // (b, n_in) = (b, n_out) · (n_out, n_in) for the block's b rows
            BLAS.sgemm(.none, .none, m: batchRows.count, n: inputs, k: outputs, a: delta + batchRows.lowerBound * outputs,
                       lda: outputs, b: weights, ldb: inputs, c: inputGradient + batchRows.lowerBound * inputs, ldc: inputs)
        }
    }

    /// δ_l = ∂L/∂A_l ⊙ φ'(Z_l), in place over `gradient` (B·n values), using the stored activations A_l = φ(Z_l):
    /// ReLU: φ' = [A > 0]; tanh: φ' = 1 − A².
    @inline(__always)
    public static func activationBackward(gradient: UnsafeMutablePointer<Float>, activations: UnsafePointer<Float>,
                                          count: Int, activation: Activation) {
        // Eight lanes at a time with explicit SIMD: the compiler cannot prove that the two pointers do not alias,
        // and left to itself it emits a scalar loop with a branch that mispredicts on the random ReLU mask.
        let vectors = count / 8
        switch activation {
        case .relu:
            for v in 0..<vectors {
                let a = UnsafeRawPointer(activations + 8 * v).loadUnaligned(as: SIMD8<Float>.self)
                var g = UnsafeRawPointer(gradient + 8 * v).loadUnaligned(as: SIMD8<Float>.self)
                g.replace(with: 0, where: .!(a .> 0))
                UnsafeMutableRawPointer(gradient + 8 * v).storeBytes(of: g, as: SIMD8<Float>.self)
            }
            for i in (8 * vectors)..<count where !(activations[i] > 0) { gradient[i] = 0 }
        case .tanh:
            for v in 0..<vectors {
                let a = UnsafeRawPointer(activations + 8 * v).loadUnaligned(as: SIMD8<Float>.self)
                let g = UnsafeRawPointer(gradient + 8 * v).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(gradient + 8 * v).storeBytes(of: g * (1 - a * a), as: SIMD8<Float>.self)
            }
            for i in (8 * vectors)..<count { let a = activations[i]; gradient[i] *= 1 - a * a }
        }
    }
}
