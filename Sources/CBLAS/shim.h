#include <cblas.h>
/* OpenBLAS extensions: thread control and build information. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
/* LAPACK routines (Fortran symbols), which OpenBLAS exports too. */
#include "lapack.h"
