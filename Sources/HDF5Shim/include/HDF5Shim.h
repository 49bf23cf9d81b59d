#ifndef THERMO_HDF5_SHIM_H
#define THERMO_HDF5_SHIM_H
/* HDF5 exposes its property-list classes, defaults, flags and native types as C macros, many of
   which expand to global variables behind H5open(); Swift cannot import them, so these getters do.
   One getter per macro that the Swift HDF5 module uses, named thermo_<MACRO>. */
#include <hdf5.h>
#include <hdf5_hl.h>

/* Defaults and special values. */
hid_t thermo_H5P_DEFAULT(void);
hid_t thermo_H5S_ALL(void);
hid_t thermo_H5E_DEFAULT(void);
hsize_t thermo_H5S_UNLIMITED(void);
size_t thermo_H5T_VARIABLE(void);

/* File access flags (H5Fcreate / H5Fopen). */
unsigned thermo_H5F_ACC_TRUNC(void);
unsigned thermo_H5F_ACC_EXCL(void);
unsigned thermo_H5F_ACC_RDONLY(void);
unsigned thermo_H5F_ACC_RDWR(void);
unsigned thermo_H5F_ACC_SWMR_WRITE(void);
unsigned thermo_H5F_ACC_SWMR_READ(void);

/* Object-count selectors for H5Fget_obj_count. */
unsigned thermo_H5F_OBJ_ALL(void);
hid_t thermo_H5F_OBJ_ALL_FILES(void); /* the (hid_t)H5F_OBJ_ALL "every file" pseudo-id */

/* Library format bounds. */
H5F_libver_t thermo_H5F_LIBVER_LATEST(void);
H5F_libver_t thermo_H5F_LIBVER_EARLIEST(void);

/* Property-list classes. */
hid_t thermo_H5P_FILE_ACCESS(void);
hid_t thermo_H5P_FILE_CREATE(void);
hid_t thermo_H5P_DATASET_CREATE(void);
hid_t thermo_H5P_DATASET_ACCESS(void);
hid_t thermo_H5P_LINK_CREATE(void);

/* Native and string types. */
hid_t thermo_H5T_NATIVE_FLOAT(void);
hid_t thermo_H5T_NATIVE_DOUBLE(void);
hid_t thermo_H5T_NATIVE_INT32(void);
hid_t thermo_H5T_NATIVE_INT64(void);
hid_t thermo_H5T_NATIVE_UINT8(void);
hid_t thermo_H5T_C_S1(void);

/* Filters. */
H5Z_filter_t thermo_H5Z_FILTER_DEFLATE(void);
H5Z_filter_t thermo_H5Z_FILTER_SHUFFLE(void);

#endif
