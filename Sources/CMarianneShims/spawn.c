#define _GNU_SOURCE
#include "CMarianneShims.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/// Shared with the child (CLONE_VM): what it needs and the error it hit.
struct spawn_child_state {
    const struct marianne_spawn_request *request;
    volatile int error;
};

/// The whole signal set, as the kernel takes it (the C library's `sigfillset` and wrappers
/// keep two of its own signals out of any mask).
static void block_all_signals(sigset_t *old) {
    sigset_t all;
    memset(&all, 0xff, sizeof(all));
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, _NSIG / 8);
}

static void restore_signals(const sigset_t *old) {
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, _NSIG / 8);
}

/// Runs in the child, on its own stack but in the parent's memory, until the exec: only
/// system calls, nothing that takes a lock or allocates.
static int spawn_child(void *raw) {
    struct spawn_child_state *state = raw;
    const struct marianne_spawn_request *request = state->request;

    // The parent's handlers live in memory this child shares until the exec; ignored
    // signals (SIGPIPE) would stay ignored across it. The system call itself, because the
    // C library's wrapper refuses the two real-time signals it keeps for itself. An
    // all-zero kernel sigaction is SIG_DFL, no flags, empty mask, whatever its layout.
    unsigned long default_action[8] = {0};
    for (int signal_number = 1; signal_number < _NSIG; signal_number++) {
        if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, signal_number, default_action, NULL, _NSIG / 8);
    }

    if (request->new_session) {
        if (setsid() < 0) goto failed;
    } else if (setpgid(0, 0) < 0) {
        goto failed;
    }
    if (request->working_directory != NULL && chdir(request->working_directory) < 0) goto failed;

    // Descriptors below 3 are moved up first, so that no dup2 overwrites one still to come.
    int sources[3] = {request->standard_input, request->standard_output, request->standard_error};
    for (int target = 0; target < 3; target++) {
        if (sources[target] < 3) {
            int moved = fcntl(sources[target], F_DUPFD, 3);
            if (moved < 0) goto failed;
            sources[target] = moved;
        }
    }
    for (int target = 0; target < 3; target++) {
        if (dup2(sources[target], target) < 0) goto failed;
    }
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
    {
        struct rlimit limit;
        long highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? (long)limit.rlim_cur : 65536;
        for (long fd = 3; fd < highest; fd++) close((int)fd);
    }

    sigset_t none;
    sigemptyset(&none);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8);
    execve(request->path, request->arguments, request->environment);

failed:
    state->error = errno != 0 ? errno : ECHILD;
    _exit(127);
}

static pid_t clone_child(struct spawn_child_state *state, char *stack_top, int flags, int *fd) {
    sigset_t old;
    // No handler of ours may run in the child before its signals are reset.
    block_all_signals(&old);
    pid_t pid = clone(spawn_child, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD | flags, state, fd);
    int clone_error = errno;
    restore_signals(&old);
    errno = clone_error;
    return pid;
}

int marianne_spawn(const struct marianne_spawn_request *request, int *pidfd) {
    // The child needs little stack: a few structures and the system calls above.
    enum { stack_size = 64 * 1024 };
    char *stack = malloc(stack_size);
    if (stack == NULL) return -ENOMEM;
    struct spawn_child_state state = {.request = request, .error = 0};
    int fd = -1;
    pid_t pid = clone_child(&state, stack + stack_size, CLONE_PIDFD, &fd);
    if (pid < 0 && errno == EINVAL) {
        // A kernel before 5.2: no pidfd, the caller waits by pid.
        fd = -1;
        pid = clone_child(&state, stack + stack_size, 0, NULL);
    }
    int clone_error = errno;
    free(stack);
    if (pid < 0) return -clone_error;
    if (state.error != 0) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (fd >= 0) close(fd);
        return -state.error;
    }
    *pidfd = fd;
    return pid;
}

int marianne_reap_pidfd(int pidfd, int pid, int *code, int *signal) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int result;
    do {
        result = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED);
    } while (result < 0 && errno == EINTR);
    // Linux 5.2 and 5.3 have pidfds but not waitid on them.
    if (result < 0 && errno == EINVAL) return marianne_reap_pid(pid, code, signal);
    if (result < 0) return -1;
    if (info.si_code == CLD_EXITED) {
        *code = info.si_status;
        *signal = -1;
    } else {
        *code = -1;
        *signal = info.si_status;
    }
    return 0;
}

int marianne_reap_pid(int pid, int *code, int *signal) {
    int status = 0;
    int result;
    do {
        result = waitpid(pid, &status, 0);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return -1;
    if (WIFEXITED(status)) {
        *code = WEXITSTATUS(status);
        *signal = -1;
    } else {
        *code = -1;
        *signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return 0;
}
