import Foundation
import MarianneCore
import Testing

/// Opt-in: every score of a Marianne checkout (`MARIANNE_EXAMPLES=/path/to/checkout`) loads
/// and plans. Skipped when the variable is not set.
struct MarianneExamplesTests {
    static var checkout: String? { ProcessInfo.processInfo.environment["MARIANNE_EXAMPLES"] }

    /// `examples/**/*.yaml` (without the conductor snippet) and `tests/fixtures/test-daemon-job.yaml`.
    static func scores(in root: String) -> [String] {
        var files: [String] = []
        let examples = root + "/examples"
        for case let file as String in FileManager.default.enumerator(atPath: examples) ?? NSEnumerator()
            where file.hasSuffix(".yaml") && !file.hasSuffix("conductor-snippet.yaml") {
            files.append(examples + "/" + file)
        }
        let fixture = root + "/tests/fixtures/test-daemon-job.yaml"
        if FileManager.default.fileExists(atPath: fixture) { files.append(fixture) }
        return files.sorted()
    }

    @Test(.enabled(if: checkout != nil, "set MARIANNE_EXAMPLES to a Marianne checkout"))
    func everyScoreOfTheCheckoutValidatesAndPlans() throws {
        let files = Self.scores(in: try #require(Self.checkout))
        #expect(!files.isEmpty, "no scores under \(Self.checkout ?? "")")
        for file in files {
            let text = try ScoreLoader.read(path: file)
            let (loaded, problems) = ScoreLoader.check(yaml: text, baseDirectory: ScoreLoader.directory(of: file), path: file)
            // Template features of Jinja2 this engine lacks are reported as V008; anything else is a failure.
            let errors = problems.filter { $0.severity == .error && $0.code != ScoreCode.templateSyntax }
            #expect(errors.isEmpty, "\(file): \(errors)")
            if let loaded {
                let plan = ScorePlan.make(loaded, jobID: loaded.score.name)
                #expect(plan.sheets.count == loaded.sheets.count, "\(file)")
            }
        }
    }
}
