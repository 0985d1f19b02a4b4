#define _GNU_SOURCE
#include "CMarianneShims.h"
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int marianne_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static int crash_fd = -1;
static char crash_note[256];
static size_t crash_note_length = 0;

static void crash_handler(int signal_number) {
    if (crash_fd >= 0 && crash_note_length > 0) {
        ssize_t ignored = write(crash_fd, crash_note, crash_note_length);
        (void)ignored;
        fsync(crash_fd);
    }
    struct sigaction fallback;
    memset(&fallback, 0, sizeof(fallback));
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
}

int marianne_install_crash_note(int fd, const char *note) {
    size_t length = strlen(note);
    if (length >= sizeof(crash_note)) length = sizeof(crash_note) - 1;
    memcpy(crash_note, note, length);
    crash_note[length] = 0;
    crash_note_length = length;
    crash_fd = fd;
    const int signals[] = {SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE};
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_handler = crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND | SA_NODEFER;
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

unsigned long marianne_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return (unsigned long)info.uordblks;
}

int marianne_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}

int marianne_format_double(char *buffer, unsigned long size, const char *format, double value) {
    return snprintf(buffer, size, format, value);
}

int marianne_exchange_files(const char *first, const char *second) {
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
}

FILE *marianne_standard_output(void) {
    return stdout;
}

int marianne_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return ENOSYS;
#endif
}

int marianne_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}
