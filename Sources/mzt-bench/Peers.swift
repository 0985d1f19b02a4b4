import Foundation

/// The same work done by task-spooler (Debian's `task-spooler`, command `tsp`), side by side.
enum Peers {
    static func binary() -> String? {
        ["/usr/bin/tsp", "/usr/bin/ts", "/usr/local/bin/tsp"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func measure(runs: Int, jobs: Int, ours: [Figure]) -> [Figure] {
        guard let tsp = binary() else {
            Swift.print("task-spooler is not installed (apt-get install task-spooler); skipping peers")
            return []
        }
        let socket = NSTemporaryDirectory() + "mzt-bench-ts-\(getpid())"
        let env = ["TS_SOCKET": socket, "TS_MAXFINISHED": "100000", "TS_SLOTS": "4"]
        defer {
            Measure.run(tsp, ["-K"], environment: env)
            unlink(socket)
        }
        Measure.run(tsp, ["true"], environment: env)
        Measure.run(tsp, ["-w"], environment: env)
        let listing = (0..<runs).map { _ in Measure.time { Measure.run(tsp, [], environment: env) } }
        let submits = (0..<runs).map { _ in Measure.time { Measure.run(tsp, ["true"], environment: env) } }
        Measure.run(tsp, ["-w"], environment: env)
        let done = (0..<runs).map { _ in
            Measure.time {
                Measure.run(tsp, ["true"], environment: env)
                Measure.run(tsp, ["-w"], environment: env)
            }
        }
        Measure.run(tsp, ["-C"], environment: env)
        let batchTime = Measure.time {
            for _ in 0..<jobs { Measure.run(tsp, ["true"], environment: env) }
            Measure.run(tsp, ["-w"], environment: env)
        }
        let rate = Double(jobs) / batchTime
        func ratio(_ name: String, _ theirs: Double) -> String {
            guard let mine = ours.first(where: { $0.name.hasPrefix(name) }) else { return "" }
            return String(format: " (mzt/tsp %.2f)", mine.median / theirs)
        }
        return [
            Figure.samples("task-spooler: listing" + ratio("mzt list", Measure.percentile(listing, 0.5) * 1000), listing, target: "-"),
            Figure.samples("task-spooler: one submit" + ratio("mzt submit", Measure.percentile(submits, 0.5) * 1000), submits, target: "-"),
            Figure.samples("task-spooler: submit to done, 1 true job" + ratio("1-sheet", Measure.percentile(done, 0.5) * 1000), done, target: "-"),
            Figure(name: "task-spooler: \(jobs) true jobs" + ratio("\(jobs) 1-sheet", rate), unit: "jobs/s", median: rate, p90: rate, target: "-", met: nil),
        ]
    }
}
