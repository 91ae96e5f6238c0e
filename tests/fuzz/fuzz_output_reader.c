/* libFuzzer target: the resume readers of every output format (xsweep/output_module.h) on arbitrary
 * lines. A resumed file can hold anything a crash, a disk error or an operator left in it, and its
 * records hold network text (titles, banners). The first byte picks the format; the rest is one
 * line, copied into an exactly-sized NUL-terminated buffer so ASan catches any read past it. What
 * a reader accepts must be an endpoint the scan could have written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/output_module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const xs_output_module *m =
        xs_output_module_of((xs_format)(data[0] % xs_output_module_count()));
    char *line = malloc(size);
    if (!line)
        return 0;
    memcpy(line, data + 1, size - 1);
    line[size - 1] = '\0';
    xs_read_record rec = {0};
    int r = m->read_line(line, &rec);
    if (r != 0 && r != 1)
        abort();
    if (r == 1 && (rec.port == 0 || rec.status > XS_STATUS_FAILED))
        abort();
    if (r == 1) { /* either family: the address reads back as the text the writer gives it */
        char text[XS_ADDR_STRLEN];
        xs_addr again;
        xs_addr_format(&rec.addr, text);
        if (!xs_addr_parse(text, &again) || !xs_addr_eq(&again, &rec.addr))
            abort();
    }
    free(line);
    return 0;
}
