import Foundation

/// What the machine itself costs: fork/exec of /bin/true, `bash -c true`, a small fsynced write.
enum Floor {
    static func measure(runs: Int) -> [Figure] {
        let trueRuns = (0..<runs).map { _ in Measure.time { Measure.run("/bin/true", []) } }
        let bashRuns = (0..<runs).map { _ in Measure.time { Measure.run("/bin/bash", ["-c", "true"]) } }
        let path = NSTemporaryDirectory() + "mzt-bench-fsync-\(getpid())"
        defer { unlink(path) }
        let bytes = [UInt8](repeating: 0x61, count: 100)
        let fsyncRuns = (0..<runs).map { _ in
            Measure.time {
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                _ = write(fd, bytes, bytes.count)
                fsync(fd)
                close(fd)
            }
        }
        return [
            Figure.samples("floor: /bin/true fork/exec", trueRuns, target: "-"),
            Figure.samples("floor: bash -c true", bashRuns, target: "-"),
            Figure.samples("floor: write+fsync 100 B", fsyncRuns, target: "-"),
        ]
    }
}
