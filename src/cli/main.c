#include <stdio.h>
int main(void) { puts("xsweep: under construction"); return 0; }
