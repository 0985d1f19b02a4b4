import Foundation
import MarianneProtocol
import Testing

/// Paths from flags, `MZT_HOME` and scores are made absolute and lexically normalized: `.`,
/// `..` and repeated slashes go, symlinks stay.
struct NormalizedPathTests {
    @Test(arguments: [
        ("/a/b/../c", "/a/c"), ("/../..", "/"), ("//a//./b/", "/a/b"), ("/", "/"), ("", "/"), ("/a/..", "/"),
        ("/a/.../b", "/a/.../b"), ("/a/.b/..c", "/a/.b/..c"), ("/é/ü/../x", "/é/x"), ("a/./b", "/a/b"), ("/a/b/../../..", "/"),
    ])
    func removesDotsAndRepeatedSlashes(_ path: String, _ normalized: String) {
        #expect(path.lexicallyNormalized == normalized, "\(path)")
    }

    @Test func relativePathsAreTakenFromTheBaseAndTildeFromHome() {
        #expect("x/y".absolutePath(relativeTo: "/w") == "/w/x/y")
        #expect("../x".absolutePath(relativeTo: "/w/v/") == "/w/x")
        #expect("/abs/./p".absolutePath(relativeTo: "/w") == "/abs/p")
        #expect("x".absolutePath(relativeTo: "") == "/x")
        let home = NSHomeDirectory()
        #expect("~/x".absolutePath(relativeTo: "/w") == (home + "/x").lexicallyNormalized)
        #expect("~".absolutePath(relativeTo: "/w") == home.lexicallyNormalized)
    }

    @Test func aHomeFromTheEnvironmentIsAbsolute() {
        #expect(ConductorHome.resolve(environment: ["MZT_HOME": "/tmp//h/./x/.."]).root == "/tmp/h")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(ConductorHome.resolve(environment: ["MZT_HOME": "rel/h"]).root == (cwd + "/rel/h").lexicallyNormalized)
        #expect(ConductorHome.resolve(explicit: "/given", environment: ["MZT_HOME": "/tmp/h"]).root == "/given")
        #expect(ConductorHome.resolve(environment: ["HOME": "/home/u"]).root == "/home/u/.marianne")
    }
}
