import CHDF5
import HDF5Shim

/// The type of the elements of a dataset or attribute, as this module classifies HDF5 datatypes.
public enum ElementType: Sendable, Hashable, CustomStringConvertible {
    /// 32-bit IEEE float (Swift `Float`).
    case float32
    /// 64-bit IEEE float (Swift `Double`).
    case float64
    /// Signed 32-bit integer.
    case int32
    /// Signed 64-bit integer.
    case int64
    /// Unsigned 8-bit integer.
    case uint8
    /// A string (fixed-length or variable-length).
    case string
    /// Any other HDF5 datatype, described in words ("int16", "compound", "enum"…).
    case other(String)

    /// The name used in messages: "Float32", "Int64", "String"…
    public var description: String {
        switch self {
        case .float32: "Float32"
        case .float64: "Float64"
        case .int32: "Int32"
        case .int64: "Int64"
        case .uint8: "UInt8"
        case .string: "String"
        case .other(let text): text
        }
    }

    /// The native HDF5 type id for the numeric cases (owned by the library: never closed), nil otherwise.
    var nativeType: hid_t? {
        switch self {
        case .float32: thermo_H5T_NATIVE_FLOAT()
        case .float64: thermo_H5T_NATIVE_DOUBLE()
        case .int32: thermo_H5T_NATIVE_INT32()
        case .int64: thermo_H5T_NATIVE_INT64()
        case .uint8: thermo_H5T_NATIVE_UINT8()
        case .string, .other: nil
        }
    }

    /// Classifies an HDF5 datatype id (call under the library lock). Byte order is not part of the
    /// classification: HDF5 converts between byte orders when reading into a native type.
    static func classify(_ type: hid_t) -> ElementType {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            return size == 4 ? .float32 : size == 8 ? .float64 : .other("float\(size * 8)")
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (signed, size) {
            case (true, 4): return .int32
            case (true, 8): return .int64
            case (false, 1): return .uint8
            default: return .other("\(signed ? "int" : "uint")\(size * 8)")
            }
        case H5T_STRING: return .string
        case H5T_COMPOUND: return .other("compound")
        case H5T_ENUM: return .other("enum")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("variable-length sequence")
        case H5T_REFERENCE: return .other("reference")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_BITFIELD: return .other("bitfield")
        default: return .other("unknown datatype")
        }
    }
}

/// A Swift numeric type that datasets store and read: `Float`, `Double`, `Int32`, `Int64` and `UInt8`.
///
/// The conformances in this module are the complete set; do not conform other types, as the element's
/// memory layout must match ``elementType`` exactly.
public protocol HDF5Element: Sendable {
    /// The HDF5 element type that this Swift type maps to.
    static var elementType: ElementType { get }
}

/// `Float` is stored as ``ElementType/float32``.
extension Float: HDF5Element {
    /// ``ElementType/float32``.
    public static var elementType: ElementType { .float32 }
}

/// `Double` is stored as ``ElementType/float64``.
extension Double: HDF5Element {
    /// ``ElementType/float64``.
    public static var elementType: ElementType { .float64 }
}

/// `Int32` is stored as ``ElementType/int32``.
extension Int32: HDF5Element {
    /// ``ElementType/int32``.
    public static var elementType: ElementType { .int32 }
}

/// `Int64` is stored as ``ElementType/int64``.
extension Int64: HDF5Element {
    /// ``ElementType/int64``.
    public static var elementType: ElementType { .int64 }
}

/// `UInt8` is stored as ``ElementType/uint8``.
extension UInt8: HDF5Element {
    /// ``ElementType/uint8``.
    public static var elementType: ElementType { .uint8 }
}
