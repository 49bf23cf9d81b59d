#include <stdio.h>
#include "number_format.h"

int thermo_format_double(char *buffer, size_t size, const char *format, double x) {
    return snprintf(buffer, size, format, x);
}
