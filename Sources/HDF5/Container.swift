import CHDF5
import HDF5Shim

/// What an HDF5 path names.
public enum ObjectKind: Sendable, Hashable {
    /// A group.
    case group
    /// A dataset.
    case dataset
    /// A committed (named) datatype.
    case namedDatatype
}

/// An object that holds other objects: a ``File`` (through its root group) or a ``Group``.
///
/// Paths given to its methods are HDF5 paths, absolute ("/a/b") or relative to this container ("a/b").
public class Container: HDF5Object, @unchecked Sendable {
    /// Creates the group at `path`, creating missing intermediate groups too. Throws if it exists.
    @discardableResult
    public func createGroup(_ path: String) throws -> Group {
        try withHandle("create group", { location in
            try refuseIfSWMRWriting(location, operation: "create group", object: displayName(of: path))
            let lcpl = Temporary(try check(H5Pcreate(thermo_H5P_LINK_CREATE()), "create group", displayName(of: path)),
                                 closer: H5Pclose)
            try check(H5Pset_create_intermediate_group(lcpl.id, 1), "create group", displayName(of: path))
            let id = try check(H5Gcreate2(location, path, lcpl.id, thermo_H5P_DEFAULT(), thermo_H5P_DEFAULT()),
                               "create group", displayName(of: path))
            return Group(handle: id, isFile: false, path: joinPath(self.path, path), filePath: filePath)
        })
    }

    /// Opens the existing group at `path`.
    public func openGroup(_ path: String) throws -> Group {
        try withHandle("open group", { location in
            let id = try check(H5Gopen2(location, path, thermo_H5P_DEFAULT()), "open group", displayName(of: path))
            return Group(handle: id, isFile: false, path: joinPath(self.path, path), filePath: filePath)
        })
    }

    /// Opens the group at `path`, creating it (and its missing parents) when it does not exist.
    public func group(_ path: String) throws -> Group {
        try exists(path) ? openGroup(path) : createGroup(path)
    }

    /// Whether `path` names an existing object. Each component is checked in turn with `H5Lexists`
    /// (which fails, rather than answering false, when an intermediate component is missing), then the
    /// target with `H5Oexists_by_name` so that a dangling soft link counts as absent.
    public func exists(_ path: String) throws -> Bool {
        try withHandle("check existence of", { location in
            let components = path.split(separator: "/", omittingEmptySubsequences: true)
            if components.isEmpty { return true }
            let root = path.hasPrefix("/") ? "/" : ""
            var prefix = ""
            for index in components.indices {
                prefix = root + components[...index].joined(separator: "/")
                let found = try check(H5Lexists(location, prefix, thermo_H5P_DEFAULT()),
                                      "check existence of", displayName(of: path))
                if found == 0 { return false }
            }
            return try check(H5Oexists_by_name(location, prefix, thermo_H5P_DEFAULT()),
                             "check existence of", displayName(of: path)) > 0
        })
    }

    /// The names of the links directly in this container (or in the group at `path`), in name order.
    public func children(of path: String = ".") throws -> [String] {
        try withHandle("list", { location in
            let group = Temporary(try check(H5Gopen2(location, path, thermo_H5P_DEFAULT()), "list", displayName(of: path)),
                                  closer: H5Gclose)
            var info = H5G_info_t()
            try check(H5Gget_info(group.id, &info), "list", displayName(of: path))
            var names: [String] = []
            for index in 0..<info.nlinks {
                let length = try check(H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0,
                                                          thermo_H5P_DEFAULT()), "list", displayName(of: path))
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                try check(H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
                                             thermo_H5P_DEFAULT()), "list", displayName(of: path))
                names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        })
    }

    /// Removes the link at `path` (a dataset or group: its storage is freed once nothing else links to it).
    /// Refused while the file is written in SWMR mode.
    public func removeLink(_ path: String) throws {
        try withHandle("remove", { location in
            try refuseIfSWMRWriting(location, operation: "remove", object: displayName(of: path))
            try check(H5Ldelete(location, path, thermo_H5P_DEFAULT()), "remove", displayName(of: path))
        })
    }

    /// What `path` names, or nil when nothing exists there.
    public func kind(of path: String) throws -> ObjectKind? {
        guard try exists(path) else { return nil }
        return try withHandle("inspect", { location in
            let object = Temporary(try check(H5Oopen(location, path, thermo_H5P_DEFAULT()), "inspect", displayName(of: path)),
                                   closer: H5Oclose)
            switch H5Iget_type(object.id) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            case H5I_DATATYPE: return .namedDatatype
            default: return nil
            }
        })
    }
}
