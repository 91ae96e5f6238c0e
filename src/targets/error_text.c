/* Error messages quote user input; they must stay one line whatever the input holds. */
#include <string.h>
#include "xsweep/targets.h"

void xs_error_one_line(char *err, size_t errlen)
{
    if (!err || errlen == 0)
        return;
    for (size_t i = 0; i < errlen && err[i]; i++) {
        unsigned char c = (unsigned char)err[i];
        if (c == '\t')
            err[i] = ' ';
        else if (c < 0x20 || c == 0x7f)
            err[i] = '?';
    }
}
