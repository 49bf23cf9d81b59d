import CHDF5
import HDF5Shim
// The HDF5 module; see docs/architecture.md.
