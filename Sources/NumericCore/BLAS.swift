import CBLAS

/// The BLAS calls thermo makes, on row-major Float32 matrices. Every CBLAS call in the project goes
/// through here, so that CBLAS enums never leak into other modules.
public enum BLAS {
    /// Whether a matrix operand is used as stored or transposed.
    public enum Transpose: Sendable { case none, transposed }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices: op(A) is m×k, op(B) is k×n, C is m×n.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
    @inline(__always)
    public static func sgemm(_ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor,
                    ta == .none ? CblasNoTrans : CblasTrans,
                    tb == .none ? CblasNoTrans : CblasTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// y ← α·op(A)·x + β·y for a row-major m×n matrix A (op(A) is m×n or, transposed, n×m).
    @inline(__always)
    public static func sgemv(_ ta: Transpose, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, ta == .none ? CblasNoTrans : CblasTrans, blasint(m), blasint(n), alpha, a,
                    blasint(lda), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Runs `body` with OpenBLAS on one thread (each call on its caller's thread), then restores the count: for
    /// callers that run several BLAS calls at once on their own threads.
    @inline(__always)
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        let saved = openblas_get_num_threads()
        guard saved > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(saved) }
        return try body()
    }

    /// OpenBLAS's description of its build and of the CPU kernel it chose (for provenance records).
    public static var configuration: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "\(config) core=\(core)"
    }
}
