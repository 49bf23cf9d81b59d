// swift-tools-version:6.0
//
// thermo — the training dynamics of neural networks, studied the way a physicist studies a cooling system.
// Modules are named for what they hold; C libraries enter through small system-library targets.
import PackageDescription

let package = Package(
    name: "thermo",
    products: [
        .executable(name: "thermo", targets: ["thermo"]),
        /// The library: `import Thermo` to train, record and study from a Swift program (docs/library.md).
        .library(name: "Thermo", targets: ["Thermo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: C libraries, each entering through one small target.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// snprintf of one double as a plain C call (Swift reaches variadic C only through boxing withVaList).
        .target(name: "CNumberFormat"),
        /// The tile transforms of the Winograd 3×3 convolution, as C loops with an AVX2 clone chosen at load time.
        .target(name: "CWinograd"),
        /// Getter functions for HDF5's macros (H5P_DEFAULT, H5T_NATIVE_FLOAT, …), which Swift cannot import.
        .target(name: "HDF5Shim", dependencies: ["CHDF5"]),

        // MARK: The library, by dependency: numeric core → networks and losses → training → recording,
        // analysis → studies → figures → CLI.
        /// Contiguous Float32 buffers, the BLAS wrappers, seeded random streams.
        .target(name: "NumericCore", dependencies: ["CBLAS", "CNumberFormat"]),
        /// IDX reading and verification, data-set lookup and fetch, checksums (SHA-256 and MD5 from swift-crypto).
        .target(name: "Datasets", dependencies: ["NumericCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        /// Seeded image augmentation on C×H×W Float32 images: random resized crop, flips, grayscale, colour jitter,
        /// rotation, and the paper's recipes.
        .target(name: "Augmentation", dependencies: ["NumericCore"]),
        /// Dense layers, activations, initialisation, forward/backward pairs, softmax cross-entropy.
        .target(name: "Networks", dependencies: ["NumericCore", "CWinograd"]),
        /// The vocabulary of training settings: names (flags and grid keys), kinds of value, help texts, and the
        /// options `thermo train` reads them with.
        .target(name: "Settings", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        /// Perturbations of layer sets, PLA/PLEA losses and kernels, shared-prefix evaluation.
        .target(name: "Smoothing", dependencies: ["NumericCore", "Networks", "Settings"]),
        /// The optimiser, the epoch/step loop, observers, checkpoints.
        .target(name: "Training", dependencies: ["NumericCore", "Networks", "Smoothing", "Datasets", "Settings", "Augmentation"]),
        /// A Swift layer over HDF5's C API: files, groups, datasets, attributes, dimension scales, errors.
        .target(name: "HDF5", dependencies: ["CHDF5", "HDF5Shim"]),
        /// The trace format v1: the recorder (a training observer), reader, validation, recovery.
        .target(name: "Traces", dependencies: ["HDF5", "Training", "Networks", "NumericCore", "Datasets", "CZlib",
                                               "LayerStatistics", "Curvature"]),
        /// The one definition of the layer signal S, noise σ, temperature T and the SNRs, with their edge cases.
        .target(name: "LayerStatistics"),
        /// Levenberg–Marquardt, cooling models, bootstrap, information criteria, regimes.
        .target(name: "Analysis", dependencies: ["NumericCore", "LayerStatistics"]),
        /// Studies of a run: traces and long tables read into one run-series type, and the temperature, regimes
        /// and cooling studies as functions returning reports.
        .target(name: "Studies", dependencies: ["NumericCore", "Analysis", "Traces", "LayerStatistics"]),
        /// gnuplot figures: scripts and data files written beside every figure, rendering, terminals.
        .target(name: "Figures", dependencies: ["Studies", "Analysis", "Smoothing", "NumericCore"]),
        /// Curvature: exact Hessian-vector products (R-operator), per-layer Lanczos spectra and Hutchinson traces.
        .target(name: "Curvature", dependencies: ["NumericCore", "Networks", "Datasets", "Training"]),
        /// Sweeps: grid parsing, the local parallel runner, Slurm array scripts, collection of results.
        .target(name: "Sweeps", dependencies: ["Training", "NumericCore", "Settings"]),
        /// Benchmarks of the training step, the smoothing losses, recording and the analyses, driving the public
        /// training step and the studies.
        .target(name: "Benchmarks", dependencies: ["NumericCore", "Datasets", "Networks", "Smoothing", "Training", "HDF5", "Traces",
                                                   "Analysis", "Studies", "Curvature", "Augmentation"]),
        /// The command line: one file per subcommand, thin.
        .target(name: "ThermoCLI", dependencies: [
            "NumericCore", "Datasets", "Networks", "Settings", "Smoothing", "Training", "HDF5", "Traces", "LayerStatistics",
            "Analysis", "Studies", "Figures", "Sweeps", "Benchmarks", "Curvature", "Augmentation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "thermo", dependencies: ["ThermoCLI"]),
        /// The library product's one module: re-exports the modules a Swift program trains, records and studies with.
        .target(name: "Thermo", dependencies: ["Analysis", "Augmentation", "Curvature", "Datasets", "HDF5", "Networks",
                                               "NumericCore", "Settings", "Smoothing", "Studies", "Traces", "Training"]),
        /// docs/library.md's example, built and run by the tests.
        .executableTarget(name: "thermo-example-train-and-fit", dependencies: ["Thermo"], path: "Examples/TrainAndFit"),

        // MARK: Tests mirror the modules.
        .target(name: "TestSupport", dependencies: ["NumericCore", "Datasets", "Networks", "Training", "HDF5", "CZlib"],
                path: "Tests/TestSupport"),
        .testTarget(name: "NumericCoreTests", dependencies: ["NumericCore", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport",
                                                         .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "AugmentationTests", dependencies: ["Augmentation", "NumericCore"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "Sweeps", "Training", "ThermoCLI", "TestSupport"]),
        .testTarget(name: "SmoothingTests", dependencies: ["Smoothing", "Networks", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Networks", "Augmentation", "TestSupport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "CurvatureTests", dependencies: ["Curvature", "Networks", "NumericCore", "TestSupport"]),
        .testTarget(name: "TracesTests", dependencies: ["Traces", "Training", "HDF5", "TestSupport"]),
        .testTarget(name: "LayerStatisticsTests", dependencies: ["LayerStatistics"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "LayerStatistics", "TestSupport"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "Analysis", "Traces", "TestSupport"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Studies", "Analysis", "TestSupport"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps", "TestSupport"]),
        .testTarget(name: "LibraryTests", dependencies: ["Thermo", "TestSupport"]),
        .testTarget(name: "ThermoCLITests", dependencies: ["ThermoCLI", "Analysis", "Studies", "Traces", "HDF5", "Networks", "TestSupport"]),
    ]
)
