#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size, 64-byte-aligned, zero-initialised block of `Float`s that hot loops address through one pointer.
///
/// Parameters, gradients, momentum and activations live in `FloatBuffer`s rather than Swift arrays, so that a
/// training step never triggers copy-on-write, exclusivity checks or reallocation: the buffer is allocated once
/// and carved into named views (`UnsafeMutablePointer<Float>` at fixed offsets). It is a reference type; copy
/// it explicitly with `copy()`.
public final class FloatBuffer: @unchecked Sendable {
    /// The first element; valid for `count` elements until the buffer is deallocated.
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// A buffer of `count` zeros.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        var raw: UnsafeMutableRawPointer?
        let bytes = max(64, count * MemoryLayout<Float>.stride)
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        memset(raw, 0, bytes)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// A buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { free(pointer) }

    /// The elements as a buffer pointer (no copy).
    @inline(__always)
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A new buffer with the same contents.
    public func copy() -> FloatBuffer {
        let b = FloatBuffer(count: count)
        b.pointer.update(from: pointer, count: count)
        return b
    }

    /// Copies the contents of `other`, which must have the same count.
    public func assign(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer.assign: count \(other.count) ≠ \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    /// Sets every element to zero.
    public func zero() { memset(pointer, 0, count * MemoryLayout<Float>.stride) }

    /// The elements as an array (a copy; for tests and serialisation).
    public var array: [Float] { Array(buffer) }

    /// Whether every element is bit-for-bit equal to the other buffer's.
    public func bitwiseEqual(_ other: FloatBuffer) -> Bool {
        count == other.count && memcmp(pointer, other.pointer, count * MemoryLayout<Float>.stride) == 0
    }
}
