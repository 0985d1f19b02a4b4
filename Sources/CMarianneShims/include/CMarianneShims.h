#ifndef CMARIANNE_SHIMS_H
#define CMARIANNE_SHIMS_H

#include <spawn.h>
#include <stdio.h>
#include <sys/epoll.h>

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

/// What `marianne_spawn` starts: a program, its arguments and environment (NULL-terminated
/// arrays of C strings), the folder it starts in, the descriptors that become its standard
/// input, output and error, and whether it leads a new session (otherwise a new process
/// group).
struct marianne_spawn_request {
    const char *path;
    char *const *arguments;
    char *const *environment;
    const char *working_directory;
    int standard_input;
    int standard_output;
    int standard_error;
    int new_session;
};

/// Starts `request` as a child process: clone with CLONE_VM | CLONE_VFORK (no page tables
/// copied, the calling thread waits only until the exec) and CLONE_PIDFD. The child resets
/// every signal to its default action, leads a new process group (or session), changes to
/// the working folder, takes the three descriptors as 0, 1 and 2, closes every other
/// descriptor, unblocks all signals and execs. Returns the pid and stores the child's pidfd
/// (close-on-exec; -1 on a kernel without CLONE_PIDFD, before 5.2) in `pidfd`, or returns
/// minus the error number of the step that failed (the failed child is reaped here).
int marianne_spawn(const struct marianne_spawn_request *request, int *pidfd);

/// Reaps the exited child of `pidfd` (waitid P_PIDFD, WEXITED; by `pid` on a kernel whose
/// waitid does not take pidfds, before 5.4): returns 0 and stores either its exit code in
/// `code` (and -1 in `signal`) or the signal that ended it in `signal` (and -1 in `code`);
/// returns -1 with errno set when it cannot.
int marianne_reap_pidfd(int pidfd, int pid, int *code, int *signal);

/// `marianne_reap_pidfd` by pid (waitpid), for a child started without a pidfd.
int marianne_reap_pid(int pid, int *code, int *signal);

#endif
