/* The output modules, one per xs_format, in that enum's order (see xsweep/output_module.h). */
#include "xsweep/output_module.h"

static const xs_output_module *const MODULES[] = {
    [XS_FMT_JSON] = &xs_out_json,         [XS_FMT_CSV] = &xs_out_csv,
    [XS_FMT_LIST] = &xs_out_list,         [XS_FMT_XML] = &xs_out_xml,
    [XS_FMT_GREPABLE] = &xs_out_grepable,
};

const xs_output_module *xs_output_module_of(xs_format fmt)
{
    unsigned i = (unsigned)fmt;
    return i < xs_output_module_count() ? MODULES[i] : &xs_out_json;
}

unsigned xs_output_module_count(void)
{
    return (unsigned)(sizeof MODULES / sizeof MODULES[0]);
}
