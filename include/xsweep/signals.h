/* SIGINT/SIGTERM: the first asks the scan to stop sending, the second to stop waiting. */
#ifndef XSWEEP_SIGNALS_H
#define XSWEEP_SIGNALS_H

void xs_signals_install(void);
int xs_signals_count(void); /* how many stop signals arrived */
int xs_signals_last(void);  /* the last one (SIGINT or SIGTERM), 0 when none */
/* Blocks the stop signals in the calling thread (worker threads call it before anything else). */
void xs_signals_block_here(void);

#endif
