/* The LAPACK routines thermo calls, as OpenBLAS exports them (Fortran symbols, column-major storage,
 * arguments by reference). The trailing size_t arguments are the hidden lengths of the character arguments
 * that gfortran passes; C implementations ignore them. */
#include <stddef.h>

/* Cholesky factorization of a symmetric positive-definite matrix. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
/* Solves A·X = B with the Cholesky factor from dpotrf_. */
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
             const int *ldb, int *info, size_t uplo_len);
/* The inverse of A from its Cholesky factor. */
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
/* Cholesky factorization with complete pivoting of a symmetric positive-semidefinite matrix. */
void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv, int *rank, const double *tol,
             double *work, int *info, size_t uplo_len);
/* Eigenvalues and eigenvectors of a symmetric matrix. */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info, size_t jobz_len, size_t uplo_len);
