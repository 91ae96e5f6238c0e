/* The open-file limit: a connection engine needs one descriptor per slot. */
#ifndef XSWEEP_FDLIMIT_H
#define XSWEEP_FDLIMIT_H

/* Raises the soft RLIMIT_NOFILE to `need` (at most the hard limit); never lowers it. Best
 * effort: a limit it cannot raise shows later as socket() failing with EMFILE. */
void xs_raise_fd_limit(unsigned long need);

#endif
