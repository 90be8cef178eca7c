/* clock.h - the clocks, in milliseconds */
#ifndef LDA_CLOCK_H
#define LDA_CLOCK_H

long long clock_ms(void);
long long clock_unix_ms(void);

#endif
