#ifndef CMARIANNE_SHIMS_H
#define CMARIANNE_SHIMS_H

#include <spawn.h>
#include <stdio.h>

/// Makes the calling process a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphaned
/// descendants are re-parented to it instead of to init. Returns 0 or -1 with errno set.
int marianne_set_child_subreaper(void);

/// Installs handlers for the signals a crash raises (SIGILL, SIGTRAP, SIGABRT, SIGSEGV,
/// SIGBUS, SIGFPE) that write `note` (copied here) to `fd`, then re-raise the signal with
/// its default action. Returns 0 or -1.
int marianne_install_crash_note(int fd, const char *note);

/// Bytes the allocator has handed out and not yet been given back (mallinfo2's uordblks).
unsigned long marianne_heap_in_use(void);

/// Caps the allocator's arenas at `count` (mallopt M_ARENA_MAX); call it before threads
/// start. Returns mallopt's result (1 on success).
int marianne_limit_malloc_arenas(int count);

/// snprintf of one double with `format` (one conversion, for a double): what a variadic
/// call from Swift would do, without building a va_list from a Swift array (whose run-time
/// casts are costly in a short-lived process). Returns snprintf's result.
int marianne_format_double(char *buffer, unsigned long size, const char *format, double value);

/// Swaps the names `first` and `second` in one step (renameat2 with RENAME_EXCHANGE): both
/// must exist. Returns 0 or -1 with errno set (EINVAL or ENOSYS where the filesystem or
/// kernel cannot exchange).
int marianne_exchange_files(const char *first, const char *second);

/// C's `stdout` stream (Swift 6 refuses to read the global variable itself).
FILE *marianne_standard_output(void);

/// Adds "close every descriptor from `lowest` up" to `actions`
/// (posix_spawn_file_actions_addclosefrom_np, glibc 2.34+). Returns 0, or an error number
/// (ENOSYS where the C library lacks it).
int marianne_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// A pidfd for `pid` (the pidfd_open system call, Linux 5.3+). Returns the descriptor or -1
/// with errno set (ENOSYS on an older kernel).
int marianne_pidfd_open(int pid);

#endif
