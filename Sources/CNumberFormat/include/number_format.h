#ifndef THERMO_NUMBER_FORMAT_H
#define THERMO_NUMBER_FORMAT_H
#include <stddef.h>

/// snprintf(buffer, size, format, x) for one double: a plain C call, where Swift reaches the variadic snprintf
/// only through withVaList, which boxes x as an existential and casts it back on every call.
int thermo_format_double(char *buffer, size_t size, const char *format, double x);

#endif
