// swift-tools-version:6.0
//
// thermo — the training dynamics of neural networks, studied the way a physicist studies a cooling system.
// Modules are named for what they hold; C libraries enter through small system-library targets.
import PackageDescription

let package = Package(
    name: "thermo",
    products: [
        .executable(name: "thermo", targets: ["thermo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: C libraries, each entering through one small target.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// Getter functions for HDF5's macros (H5P_DEFAULT, H5T_NATIVE_FLOAT, …), which Swift cannot import.
        .target(name: "HDF5Shim", dependencies: ["CHDF5"]),

        // MARK: The library, by dependency: numeric core → networks and losses → training → recording,
        // analysis → studies → figures → CLI.
        /// Contiguous Float32 buffers, the BLAS wrappers, seeded random streams.
        .target(name: "NumericCore", dependencies: ["CBLAS"]),
        /// IDX reading and verification, data-set lookup and fetch, checksums.
        .target(name: "Datasets", dependencies: ["NumericCore", "CZlib"]),
        /// Dense layers, activations, initialisation, forward/backward pairs, softmax cross-entropy.
        .target(name: "Networks", dependencies: ["NumericCore"]),
        /// Perturbations of layer sets, PLA/PLEA losses and kernels, shared-prefix evaluation.
        .target(name: "Smoothing", dependencies: ["NumericCore", "Networks"]),
        /// The optimiser, the epoch/step loop, observers, checkpoints.
        .target(name: "Training", dependencies: ["NumericCore", "Networks", "Smoothing", "Datasets"]),
        /// A Swift layer over HDF5's C API: files, groups, datasets, attributes, dimension scales, errors.
        .target(name: "HDF5", dependencies: ["CHDF5", "HDF5Shim"]),
        /// The trace format v1: the recorder (a training observer), reader, validation, recovery.
        .target(name: "Traces", dependencies: ["HDF5", "Training", "Networks", "NumericCore", "Datasets", "CZlib"]),
        /// Levenberg–Marquardt, cooling models, bootstrap, information criteria, regimes.
        .target(name: "Analysis", dependencies: ["NumericCore"]),
        /// Studies of a run: traces and long tables read into one run-series type, and the temperature, regimes
        /// and cooling studies as functions returning reports.
        .target(name: "Studies", dependencies: ["Analysis", "Traces"]),
        /// gnuplot figures: scripts and data files written beside every figure, rendering, terminals.
        .target(name: "Figures", dependencies: ["Studies", "Analysis", "Smoothing", "NumericCore"]),
        /// Sweeps: grid parsing, the local parallel runner, Slurm array scripts, collection of results.
        .target(name: "Sweeps", dependencies: ["Training", "NumericCore"]),
        /// The command line: one file per subcommand, thin.
        .target(name: "ThermoCLI", dependencies: [
            "NumericCore", "Datasets", "Networks", "Smoothing", "Training", "HDF5", "Traces", "Analysis", "Studies", "Figures", "Sweeps",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "thermo", dependencies: ["ThermoCLI"]),

        // MARK: Tests mirror the modules.
        .target(name: "TestSupport", dependencies: ["NumericCore", "Datasets", "Networks", "Training", "HDF5", "CZlib"],
                path: "Tests/TestSupport"),
        .testTarget(name: "NumericCoreTests", dependencies: ["NumericCore", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "TestSupport"]),
        .testTarget(name: "SmoothingTests", dependencies: ["Smoothing", "Networks", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Networks", "TestSupport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "TracesTests", dependencies: ["Traces", "Training", "HDF5", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "TestSupport"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "Analysis", "Traces", "TestSupport"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Studies", "Analysis", "TestSupport"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps", "TestSupport"]),
        .testTarget(name: "ThermoCLITests", dependencies: ["ThermoCLI", "Analysis", "Studies", "Traces", "HDF5", "TestSupport"]),
    ]
)
