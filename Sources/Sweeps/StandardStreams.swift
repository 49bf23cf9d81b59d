#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Makes C's standard output line-buffered, so that a cell's log holds every line printed before the cell was
/// killed (a file is otherwise block-buffered, and a killed process loses its buffer).
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
