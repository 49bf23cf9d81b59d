// The library product `Thermo`: `import Thermo` brings every module a Swift program needs to train networks,
// record their gradient traces and study them — the same modules the `thermo` command is built from.
// docs/library.md shows a complete program; Examples/TrainAndFit is that program, built and run by the tests.
@_exported import Analysis
@_exported import Augmentation
@_exported import Curvature
@_exported import Datasets
@_exported import Networks
@_exported import NumericCore
@_exported import Settings
@_exported import Smoothing
@_exported import Studies
@_exported import Traces
@_exported import Training
// Of the HDF5 layer only its error: a trace that cannot be written or read throws an HDF5Error (a full disk, a
// damaged file), which a program catches by name; the rest of HDF5 is the trace modules' own.
@_exported import struct HDF5.HDF5Error
