import MarianneProtocol
import Testing

/// `parentPath` gives what `NSString.deletingLastPathComponent` gives for the paths the
/// conductor builds (checkpoints, workspaces).
struct ParentPathTests {
    @Test(arguments: [
        ("/a/b/c", "/a/b"), ("/a/b/c/", "/a/b"), ("/a", "/"), ("/", "/"), ("a", ""), ("a/b", "a"),
        ("/a//b", "/a"), ("/ws/.marianne/checkpoint-j.json", "/ws/.marianne"), ("/é/ü", "/é"),
    ])
    func dropsTheLastComponent(_ path: String, _ parent: String) {
        #expect(path.parentPath == parent, "\(path)")
    }
}
