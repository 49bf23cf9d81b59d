#include "HDF5Shim.h"

hid_t thermo_H5P_DEFAULT(void) { return H5P_DEFAULT; }
hid_t thermo_H5S_ALL(void) { return H5S_ALL; }
hid_t thermo_H5E_DEFAULT(void) { return H5E_DEFAULT; }
hsize_t thermo_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
size_t thermo_H5T_VARIABLE(void) { return H5T_VARIABLE; }

unsigned thermo_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
unsigned thermo_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
unsigned thermo_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
unsigned thermo_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
unsigned thermo_H5F_ACC_SWMR_WRITE(void) { return H5F_ACC_SWMR_WRITE; }
unsigned thermo_H5F_ACC_SWMR_READ(void) { return H5F_ACC_SWMR_READ; }

unsigned thermo_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }
hid_t thermo_H5F_OBJ_ALL_FILES(void) { return (hid_t)H5F_OBJ_ALL; }

H5F_libver_t thermo_H5F_LIBVER_LATEST(void) { return H5F_LIBVER_LATEST; }
H5F_libver_t thermo_H5F_LIBVER_EARLIEST(void) { return H5F_LIBVER_EARLIEST; }

hid_t thermo_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
hid_t thermo_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
hid_t thermo_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
hid_t thermo_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
hid_t thermo_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }

hid_t thermo_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
hid_t thermo_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
hid_t thermo_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
hid_t thermo_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
hid_t thermo_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
hid_t thermo_H5T_C_S1(void) { return H5T_C_S1; }

H5Z_filter_t thermo_H5Z_FILTER_DEFLATE(void) { return H5Z_FILTER_DEFLATE; }
H5Z_filter_t thermo_H5Z_FILTER_SHUFFLE(void) { return H5Z_FILTER_SHUFFLE; }
