/* log.h - syslog lines and -V output */
#ifndef LDA_LOG_H
#define LDA_LOG_H

void log_open(const char *name, int verbose, int hold);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush(void);

#endif
