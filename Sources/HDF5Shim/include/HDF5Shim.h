#ifndef THERMO_HDF5_SHIM_H
#define THERMO_HDF5_SHIM_H
/* HDF5 exposes its property-list defaults and native types as C macros that expand to
   global variables behind H5open(); Swift cannot import them, so these getters do. */
#include <hdf5.h>
#include <hdf5_hl.h>

hid_t thermo_H5P_DEFAULT(void);
#endif
