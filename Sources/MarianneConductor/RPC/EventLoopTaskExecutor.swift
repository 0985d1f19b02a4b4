import NIOCore

/// The socket's event loop as the preferred executor of the tasks that serve connections.
///
/// A request then goes from the socket to its answer on one thread: the frame the channel
/// reads resumes the serving task right there, and the answer is written without a hop back.
/// On the default pool each request woke a pool thread to decode it and the event loop again
/// to write the answer, and waking an idle thread costs more than answering most requests.
/// Work the requests hand on (the registry's queue, `OffPool`, the job runs, which are
/// unstructured tasks and so do not inherit the preference) still runs elsewhere; nothing on
/// this executor blocks.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
