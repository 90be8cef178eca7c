/*
 * lsan_suppress.c - leaks of other projects' code, linked into the
 * sanitizer build only (make SANITIZE=1), so that a leak of lda's own
 * still fails the tests.
 *
 * libnfs 4.0.0: nfs4_set_client_name() keeps a strdup() of the name
 * that nfs_destroy_context() never frees.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
    return "leak:nfs4_set_client_name\n";
}

/* Quiet about the suppression: lda's output is what the tests read. */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
