#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The few libm functions the numeric core needs, named once so that every module calls the same ones.
@inline(__always) public func _log(_ x: Double) -> Double { log(x) }
@inline(__always) public func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) public func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) public func _expf(_ x: Float) -> Float { expf(x) }
@inline(__always) public func _logf(_ x: Float) -> Float { logf(x) }
@inline(__always) public func _tanhf(_ x: Float) -> Float { tanhf(x) }
@inline(__always) public func _log1p(_ x: Double) -> Double { log1p(x) }
