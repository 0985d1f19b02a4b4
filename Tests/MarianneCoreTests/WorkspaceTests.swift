import Foundation
import MarianneCore
import MarianneTestSupport
import Testing

/// Workspaces resolve as Marianne resolves them: against the score's folder, `..` allowed,
/// links followed.
struct WorkspaceTests {
    @Test func defaultsToWorkspaceBesideTheScore() throws {
        #expect(try Scores.load("name: w\nprompt: {template: x}\n", base: "/srv/scores").workspace == "/srv/scores/workspace")
    }

    @Test func dotDotGoesUpFromTheScoresFolder() throws {
        #expect(try Scores.load("name: w\nworkspace: ../../shared/ws\nprompt: {template: x}\n", base: "/srv/scores/team").workspace == "/srv/shared/ws")
        #expect(try Scores.load("name: w\nworkspace: /abs/./x/../y\nprompt: {template: x}\n").workspace == "/abs/y")
    }

    @Test func linksAreFollowedLikePathResolve() throws {
        let directory = try TemporaryDirectory(prefix: "mzt-ws")
        defer { directory.remove() }
        let root = RealPath.resolve(directory.path)
        try FileManager.default.createDirectory(atPath: root + "/real/scores", withIntermediateDirectories: true)
        symlink(root + "/real/scores", root + "/scores-link")
        try "name: w\nworkspace: ../ws\nprompt: {template: x}\n".write(toFile: root + "/real/scores/w.yaml", atomically: true, encoding: .utf8)
        // The score is read through the link; `..` is taken from its real folder.
        let loaded = try ScoreLoader.load(path: root + "/scores-link/w.yaml", planning: true)
        #expect(loaded.workspace == root + "/real/ws")
        symlink(root + "/real", root + "/ws-link")
        #expect(RealPath.resolve(root + "/ws-link/missing/../scores") == root + "/real/scores")
        #expect(RealPath.resolve("a/b", relativeTo: "/base") == "/base/a/b")
    }

    @Test func anOverrideIsTakenFromTheCurrentDirectory() throws {
        let loaded = try ScoreLoader.load(yaml: "name: w\nprompt: {template: x}\n", baseDirectory: "/srv", workspaceOverride: "/tmp/../other", planning: true)
        #expect(loaded.workspace == "/other")
    }
}
