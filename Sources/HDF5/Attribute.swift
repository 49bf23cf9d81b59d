#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CHDF5
import HDF5Shim

/// The value of an HDF5 attribute, as this module writes and reads them.
///
/// Scalars are stored with a scalar dataspace and arrays with a one-dimensional one, which is what h5py
/// writes for Python scalars and lists and how it reads them back (`int`/`float`/`str` vs numpy arrays).
/// Strings are variable-length, NUL-terminated, UTF-8 (`H5T_CSET_UTF8`): h5py reads them as `str` (a numpy
/// object array of `str` for string arrays), h5dump prints them, and netCDF/h5netcdf treat them as text
/// attributes. Reading accepts any integer type as ``int64``, any float type as ``double`` and both
/// fixed- and variable-length strings, so attributes written by other tools read back too.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    /// A 64-bit signed integer.
    case int64(Int64)
    /// A 64-bit float.
    case double(Double)
    /// A one-dimensional array of 64-bit signed integers.
    case int64Array([Int64])
    /// A one-dimensional array of 64-bit floats.
    case doubleArray([Double])
    /// A UTF-8 string.
    case string(String)
    /// A one-dimensional array of UTF-8 strings.
    case stringArray([String])

    /// The kind of value, as messages name it: "Int64", "Float64 array", "String"…
    public var kind: String {
        switch self {
        case .int64: "Int64"
        case .double: "Float64"
        case .int64Array: "Int64 array"
        case .doubleArray: "Float64 array"
        case .string: "String"
        case .stringArray: "String array"
        }
    }

    /// The value, printed plainly.
    public var description: String {
        switch self {
        case .int64(let v): "\(v)"
        case .double(let v): "\(v)"
        case .int64Array(let v): "\(v)"
        case .doubleArray(let v): "\(v)"
        case .string(let v): v.debugDescription
        case .stringArray(let v): "\(v)"
        }
    }
}

/// A Swift type that can be stored as, and read back from, an ``AttributeValue`` with type checking.
///
/// Conforming: `Int64`, `Int`, `Double`, `String`, arrays of those, and ``AttributeValue`` itself.
public protocol AttributeRepresentable: Sendable {
    /// The attribute value that stores `self`.
    var attributeValue: AttributeValue { get }
    /// The Swift value stored in `value`, or nil when `value` holds another kind.
    init?(attributeValue value: AttributeValue)
    /// The kind of attribute value that this type reads, as messages name it.
    static var attributeKind: String { get }
}

/// Any attribute value, unchanged.
extension AttributeValue: AttributeRepresentable {
    /// `self`.
    public var attributeValue: AttributeValue { self }
    /// Always `value`.
    public init?(attributeValue value: AttributeValue) { self = value }
    /// "any value".
    public static var attributeKind: String { "any value" }
}

/// Stored as ``AttributeValue/int64(_:)``.
extension Int64: AttributeRepresentable {
    /// ``AttributeValue/int64(_:)``.
    public var attributeValue: AttributeValue { .int64(self) }
    /// The integer of an ``AttributeValue/int64(_:)``.
    public init?(attributeValue value: AttributeValue) {
        guard case .int64(let v) = value else { return nil }
        self = v
    }
    /// "Int64".
    public static var attributeKind: String { "Int64" }
}

/// Stored as ``AttributeValue/int64(_:)``.
extension Int: AttributeRepresentable {
    /// ``AttributeValue/int64(_:)``.
    public var attributeValue: AttributeValue { .int64(Int64(self)) }
    /// The integer of an ``AttributeValue/int64(_:)``.
    public init?(attributeValue value: AttributeValue) {
        guard case .int64(let v) = value else { return nil }
        self = Int(v)
    }
    /// "Int64".
    public static var attributeKind: String { "Int64" }
}

/// Stored as ``AttributeValue/double(_:)``.
extension Double: AttributeRepresentable {
    /// ``AttributeValue/double(_:)``.
    public var attributeValue: AttributeValue { .double(self) }
    /// The number of an ``AttributeValue/double(_:)``.
    public init?(attributeValue value: AttributeValue) {
        guard case .double(let v) = value else { return nil }
        self = v
    }
    /// "Float64".
    public static var attributeKind: String { "Float64" }
}

/// Stored as ``AttributeValue/string(_:)``.
extension String: AttributeRepresentable {
    /// ``AttributeValue/string(_:)``.
    public var attributeValue: AttributeValue { .string(self) }
    /// The text of an ``AttributeValue/string(_:)``.
    public init?(attributeValue value: AttributeValue) {
        guard case .string(let v) = value else { return nil }
        self = v
    }
    /// "String".
    public static var attributeKind: String { "String" }
}

/// An element type of the attribute arrays: `Int64`, `Int`, `Double`, `String`.
public protocol AttributeArrayElement: Sendable {
    /// The array attribute value storing `values`.
    static func arrayValue(_ values: [Self]) -> AttributeValue
    /// The elements of an array attribute value of this element type, or nil.
    static func elements(of value: AttributeValue) -> [Self]?
    /// The kind of array attribute value, as messages name it.
    static var arrayKind: String { get }
}

/// `[Int64]` attributes.
extension Int64: AttributeArrayElement {
    /// ``AttributeValue/int64Array(_:)``.
    public static func arrayValue(_ values: [Int64]) -> AttributeValue { .int64Array(values) }
    /// The elements of an ``AttributeValue/int64Array(_:)``.
    public static func elements(of value: AttributeValue) -> [Int64]? {
        if case .int64Array(let v) = value { return v } else { return nil }
    }
    /// "Int64 array".
    public static var arrayKind: String { "Int64 array" }
}

/// `[Int]` attributes, stored as Int64 arrays.
extension Int: AttributeArrayElement {
    /// ``AttributeValue/int64Array(_:)``.
    public static func arrayValue(_ values: [Int]) -> AttributeValue { .int64Array(values.map { Int64($0) }) }
    /// The elements of an ``AttributeValue/int64Array(_:)``.
    public static func elements(of value: AttributeValue) -> [Int]? {
        if case .int64Array(let v) = value { return v.map { Int($0) } } else { return nil }
    }
    /// "Int64 array".
    public static var arrayKind: String { "Int64 array" }
}

/// `[Double]` attributes.
extension Double: AttributeArrayElement {
    /// ``AttributeValue/doubleArray(_:)``.
    public static func arrayValue(_ values: [Double]) -> AttributeValue { .doubleArray(values) }
    /// The elements of an ``AttributeValue/doubleArray(_:)``.
    public static func elements(of value: AttributeValue) -> [Double]? {
        if case .doubleArray(let v) = value { return v } else { return nil }
    }
    /// "Float64 array".
    public static var arrayKind: String { "Float64 array" }
}

/// `[String]` attributes.
extension String: AttributeArrayElement {
    /// ``AttributeValue/stringArray(_:)``.
    public static func arrayValue(_ values: [String]) -> AttributeValue { .stringArray(values) }
    /// The elements of an ``AttributeValue/stringArray(_:)``.
    public static func elements(of value: AttributeValue) -> [String]? {
        if case .stringArray(let v) = value { return v } else { return nil }
    }
    /// "String array".
    public static var arrayKind: String { "String array" }
}

/// Arrays of ``AttributeArrayElement`` are stored as one-dimensional array attributes.
extension Array: AttributeRepresentable where Element: AttributeArrayElement {
    /// The array attribute value storing the elements.
    public var attributeValue: AttributeValue { Element.arrayValue(self) }
    /// The elements of an array attribute value of `Element`'s kind.
    public init?(attributeValue value: AttributeValue) {
        guard let elements = Element.elements(of: value) else { return nil }
        self = elements
    }
    /// The array kind of `Element`.
    public static var attributeKind: String { Element.arrayKind }
}

// MARK: - Reading and writing attributes on any object

extension HDF5Object {
    /// How messages name the attribute `name` of this object.
    private func attributeName(_ name: String) -> String { "\"\(name)\" of \(displayName)" }

    /// Sets the attribute `name`, replacing any attribute of that name (whatever its type).
    public func setAttribute(_ name: String, _ value: AttributeValue) throws {
        let operation = "write attribute", object = attributeName(name)
        try withHandle(operation) { id in
            try refuseIfSWMRWriting(id, operation: operation, object: object)
            if try check(H5Aexists(id, name), operation, object) > 0 {
                try check(H5Adelete(id, name), operation, object)
            }
            let type = try Self.fileType(of: value, operation: operation, object: object)
            let space: Temporary
            switch value {
            case .int64, .double, .string:
                space = Temporary(try check(H5Screate(H5S_SCALAR), operation, object), closer: H5Sclose)
            case .int64Array(let v): space = try Self.vectorSpace(v.count, operation: operation, object: object)
            case .doubleArray(let v): space = try Self.vectorSpace(v.count, operation: operation, object: object)
            case .stringArray(let v): space = try Self.vectorSpace(v.count, operation: operation, object: object)
            }
            let attribute = Temporary(try check(H5Acreate2(id, name, type.id, space.id, thermo_H5P_DEFAULT(),
                                                           thermo_H5P_DEFAULT()), operation, object), closer: H5Aclose)
            let memoryType = type.id
            switch value {
            case .int64(var v): try check(H5Awrite(attribute.id, memoryType, &v), operation, object)
            case .double(var v): try check(H5Awrite(attribute.id, memoryType, &v), operation, object)
            case .int64Array(let v):
                if !v.isEmpty { try check(v.withUnsafeBufferPointer { H5Awrite(attribute.id, memoryType, $0.baseAddress) },
                                          operation, object) }
            case .doubleArray(let v):
                if !v.isEmpty { try check(v.withUnsafeBufferPointer { H5Awrite(attribute.id, memoryType, $0.baseAddress) },
                                          operation, object) }
            case .string(let v): try Self.writeStrings([v], attribute: attribute.id, type: memoryType,
                                                       operation: operation, object: object)
            case .stringArray(let v):
                if !v.isEmpty { try Self.writeStrings(v, attribute: attribute.id, type: memoryType,
                                                      operation: operation, object: object) }
            }
        }
    }

    /// Sets the attribute `name` to a Swift value (`Int64`, `Int`, `Double`, `String` or an array of them).
    public func setAttribute<T: AttributeRepresentable>(_ name: String, _ value: T) throws {
        try setAttribute(name, value.attributeValue)
    }

    /// Reads the attribute `name`, whatever its kind.
    public func attribute(_ name: String) throws -> AttributeValue {
        let operation = "read attribute", object = attributeName(name)
        return try withHandle(operation) { id in
            let attribute = Temporary(try check(H5Aopen(id, name, thermo_H5P_DEFAULT()), operation, object),
                                      closer: H5Aclose)
            let type = Temporary(try check(H5Aget_type(attribute.id), operation, object), closer: H5Tclose)
            let space = Temporary(try check(H5Aget_space(attribute.id), operation, object), closer: H5Sclose)
            let spaceClass = H5Sget_simple_extent_type(space.id)
            guard spaceClass == H5S_SCALAR || spaceClass == H5S_SIMPLE else {
                throw HDF5Error(operation: operation, object: object, reason: "it has an empty (null) dataspace")
            }
            let isScalar = spaceClass == H5S_SCALAR
            let count = Int(try check(H5Sget_simple_extent_npoints(space.id), operation, object))
            switch H5Tget_class(type.id) {
            case H5T_INTEGER:
                let values = try Self.readNumbers(Int64.self, attribute.id, count, thermo_H5T_NATIVE_INT64(), operation, object)
                return isScalar ? .int64(values[0]) : .int64Array(values)
            case H5T_FLOAT:
                let values = try Self.readNumbers(Double.self, attribute.id, count, thermo_H5T_NATIVE_DOUBLE(), operation, object)
                return isScalar ? .double(values[0]) : .doubleArray(values)
            case H5T_STRING:
                let values = try Self.readStrings(attribute.id, type: type.id, space: space.id, count: count,
                                                  operation: operation, object: object)
                return isScalar ? .string(values[0]) : .stringArray(values)
            default:
                throw HDF5Error(operation: operation, object: object,
                                reason: "its type \(ElementType.classify(type.id)) is not supported")
            }
        }
    }

    /// Reads the attribute `name` as `T`; throws when it holds another kind of value.
    public func attribute<T: AttributeRepresentable>(_ name: String, as type: T.Type) throws -> T {
        let value = try attribute(name)
        guard let result = T(attributeValue: value) else {
            throw HDF5Error(operation: "read attribute", object: attributeName(name),
                            reason: "it holds a \(value.kind), not a \(T.attributeKind)")
        }
        return result
    }

    /// Whether the attribute `name` exists.
    public func hasAttribute(_ name: String) throws -> Bool {
        try withHandle("check attribute") { id in
            try check(H5Aexists(id, name), "check attribute", attributeName(name)) > 0
        }
    }

    /// Deletes the attribute `name`.
    public func deleteAttribute(_ name: String) throws {
        try withHandle("delete attribute") { id in
            try refuseIfSWMRWriting(id, operation: "delete attribute", object: attributeName(name))
            try check(H5Adelete(id, name), "delete attribute", attributeName(name))
        }
    }

    /// The names of this object's attributes, in name order.
    public func attributeNames() throws -> [String] {
        try withHandle("list attributes of") { id in
            var names: [String] = []
            _ = try withUnsafeMutablePointer(to: &names) { pointer in
                try check(H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, context in
                    guard let name, let context else { return 0 }
                    context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    return 0
                }, pointer), "list attributes of", displayName)
            }
            return names
        }
    }

    // MARK: Helpers (called under the lock)

    /// The file (and memory) datatype for `value`: native int64/double, or variable-length UTF-8 string.
    private static func fileType(of value: AttributeValue, operation: String, object: String) throws -> Temporary {
        switch value {
        case .int64, .int64Array:
            return Temporary(try check(H5Tcopy(thermo_H5T_NATIVE_INT64()), operation, object), closer: H5Tclose)
        case .double, .doubleArray:
            return Temporary(try check(H5Tcopy(thermo_H5T_NATIVE_DOUBLE()), operation, object), closer: H5Tclose)
        case .string, .stringArray:
            return try variableStringType(cset: H5T_CSET_UTF8, operation: operation, object: object)
        }
    }

    /// A variable-length, NUL-terminated string type in character set `cset`.
    private static func variableStringType(cset: H5T_cset_t, operation: String, object: String) throws -> Temporary {
        let type = Temporary(try check(H5Tcopy(thermo_H5T_C_S1()), operation, object), closer: H5Tclose)
        try check(H5Tset_size(type.id, thermo_H5T_VARIABLE()), operation, object)
        try check(H5Tset_cset(type.id, cset), operation, object)
        try check(H5Tset_strpad(type.id, H5T_STR_NULLTERM), operation, object)
        return type
    }

    /// A one-dimensional dataspace of `count` elements (zero allowed).
    private static func vectorSpace(_ count: Int, operation: String, object: String) throws -> Temporary {
        var dims = [hsize_t(count)]
        return Temporary(try check(H5Screate_simple(1, &dims, nil), operation, object), closer: H5Sclose)
    }

    /// Writes variable-length strings: an array of C string pointers, freed afterwards.
    private static func writeStrings(_ strings: [String], attribute: hid_t, type: hid_t,
                                     operation: String, object: String) throws {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        try check(H5Awrite(attribute, type, &pointers), operation, object)
    }

    /// Reads `count` numbers converted by HDF5 to `memoryType`.
    private static func readNumbers<T>(_ type: T.Type, _ attribute: hid_t, _ count: Int, _ memoryType: hid_t,
                                       _ operation: String, _ object: String) throws -> [T] {
        if count == 0 { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            try check(H5Aread(attribute, memoryType, buffer.baseAddress), operation, object)
            initialised = count
        }
    }

    /// Reads `count` strings, variable-length or fixed-length, as Swift strings.
    private static func readStrings(_ attribute: hid_t, type: hid_t, space: hid_t, count: Int,
                                    operation: String, object: String) throws -> [String] {
        if count == 0 { return [] }
        let cset = H5Tget_cset(type)
        if try check(H5Tis_variable_str(type), operation, object) > 0 {
            let memoryType = try variableStringType(cset: cset, operation: operation, object: object)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try check(H5Aread(attribute, memoryType.id, &pointers), operation, object)
            defer { pointers.forEach { if let p = $0 { H5free_memory(p) } } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        // Fixed-length: `size` bytes per string, padded with NULs or spaces.
        let size = H5Tget_size(type)
        var bytes = [UInt8](repeating: 0, count: size * count)
        let memoryType = Temporary(try check(H5Tcopy(type), operation, object), closer: H5Tclose)
        try check(H5Aread(attribute, memoryType.id, &bytes), operation, object)
        let spacePadded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
        return (0..<count).map { index in
            var slice = bytes[(index * size)..<((index + 1) * size)]
            if let end = slice.firstIndex(of: 0) { slice = slice[..<end] }
            if spacePadded { while slice.last == 0x20 { slice = slice.dropLast() } }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
