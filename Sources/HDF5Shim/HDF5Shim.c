#include "HDF5Shim.h"

hid_t thermo_H5P_DEFAULT(void) { return H5P_DEFAULT; }
