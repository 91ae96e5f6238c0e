/* Raising the open-file limit for the engines' connection slots. */
#include <sys/resource.h>

#include "xsweep/fdlimit.h"

void xs_raise_fd_limit(unsigned long need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}
