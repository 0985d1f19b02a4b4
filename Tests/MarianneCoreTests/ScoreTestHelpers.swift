import Foundation
import MarianneCore
import MarianneTestSupport

/// Loading scores in tests.
enum Scores {
    /// Every problem of `yaml` (relative paths from `base`).
    static func problems(_ yaml: String, base: String = "/tmp") -> [ScoreProblem] {
        ScoreLoader.check(yaml: yaml, baseDirectory: base).1
    }

    static func errors(_ yaml: String, base: String = "/tmp") -> [ScoreProblem] {
        problems(yaml, base: base).filter { $0.severity == .error }
    }

    static func load(_ yaml: String, base: String = "/tmp") throws -> LoadedScore {
        try ScoreLoader.load(yaml: yaml, baseDirectory: base, planning: true)
    }

    /// A minimal score with `extra` appended.
    static func with(_ extra: String) -> String {
        "name: t\nworkspace: ./ws\nprompt: {template: \"do {{ sheet_num }}\"}\n" + extra
    }
}

/// CPU seconds the calling thread has used: a bound on work that a loaded machine cannot
/// break (wall time can be many times longer while the whole suite runs).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
