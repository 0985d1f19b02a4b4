import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// `previous_outputs` and `previous_files` as Marianne collects them.
struct CrossSheetContextTests {
    typealias Earlier = CrossSheetContext.EarlierSheet

    let earlier: [Int: Earlier] = [
        1: Earlier(status: .completed, stdout: "one"), 2: Earlier(status: .skipped, stdout: nil),
        3: Earlier(status: .failed, stdout: "three"), 4: Earlier(status: .completed, stdout: String(repeating: "x", count: 30)),
        5: Earlier(status: .completed, stdout: ""),
    ]

    @Test func lookbackStatusesAndTruncation() {
        let config = CrossSheetConfig(autoCaptureStdout: true, maxOutputCharacters: 10, lookbackSheets: 0)
        let all = CrossSheetContext.collect(config, sheet: 6, earlier: earlier, workspace: "/nowhere")
        #expect(all.previousOutputs == [1: "one", 2: "[SKIPPED]", 4: "xxxxxxxxxx\n... [truncated]"])
        #expect(all.skippedUpstream == [2])
        var recent = config
        recent.lookbackSheets = 3
        #expect(CrossSheetContext.collect(recent, sheet: 6, earlier: earlier, workspace: "/nowhere").previousOutputs.keys.sorted() == [4])
        #expect(CrossSheetContext.collect(nil, sheet: 6, earlier: earlier, workspace: "/") == .empty)
        #expect(CrossSheetContext.collect(CrossSheetConfig(), sheet: 6, earlier: earlier, workspace: "/").previousOutputs.isEmpty,
                "auto_capture_stdout is off by default")
    }

    @Test func truncationCountsCodePointsLikePython() {
        let config = CrossSheetConfig(autoCaptureStdout: true, maxOutputCharacters: 3)
        let text = CrossSheetContext.collect(config, sheet: 2, earlier: [1: Earlier(status: .completed, stdout: "e\u{301}éé")], workspace: "/")
        #expect(text.previousOutputs[1] == "e\u{301}é\n... [truncated]")
    }

    @Test func capturedFilesAreGlobbedRedactedAndTruncated() throws {
        let directory = try TemporaryDirectory(prefix: "mzt-cross")
        defer { directory.remove() }
        let workspace = RealPath.resolve(directory.path)
        try "plan for 2".write(toFile: workspace + "/plan-2.md", atomically: true, encoding: .utf8)
        try "key sk-ant-api0123456789abcdef".write(toFile: workspace + "/notes.md", atomically: true, encoding: .utf8)
        try "hidden".write(toFile: workspace + "/.hidden.md", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: workspace + "/dir.md", withIntermediateDirectories: true)
        let config = CrossSheetConfig(maxOutputCharacters: 100, captureFiles: ["{{ workspace }}/*.md", "plan-{{sheet_num}}.md"])
        let context = CrossSheetContext.collect(config, sheet: 2, earlier: [:], workspace: workspace)
        #expect(context.previousFiles == [
            workspace + "/notes.md": "key [REDACTED_ANTHROPIC_KEY]", workspace + "/plan-2.md": "plan for 2",
        ])
    }
}
