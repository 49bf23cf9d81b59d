/// An open HDF5 group: a ``Container`` of groups and datasets, carrying attributes.
///
/// Get one from ``Container/createGroup(_:)``, ``Container/openGroup(_:)`` or ``Container/group(_:)``.
public final class Group: Container, @unchecked Sendable {}
