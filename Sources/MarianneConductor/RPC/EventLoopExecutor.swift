import NIOCore

/// Runs a connection's task on the event loop that reads its socket. A request then goes
/// from the socket to its handler and its answer back to the socket on one thread: without
/// it each request woke a thread of the concurrency pool to run the handler, and the event
/// loop's thread again to write the answer. Handlers never block (their blocking work is on
/// `OffPool` and the registry's queue), so the loop keeps serving other connections while
/// one awaits. The child tasks a handler starts (`async let`, task groups) run here too;
/// unstructured tasks, such as the runners a submission starts, do not inherit it and run
/// on the concurrency pool.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
