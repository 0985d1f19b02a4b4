import Foundation
import Testing
@testable import MarianneCore

/// Profile patterns are compiled once and shared; the cache stays bounded.
struct RegexPatternTests {
    @Test func aPatternCompiledAgainMatchesTheSameAndABadOneStaysRefused() throws {
        let first = try #require(RegexPattern("rate.?limit"))
        let again = try #require(RegexPattern("rate.?limit"))
        #expect(first.regex === again.regex)
        #expect(again.firstMatchingLine("ok\nError: Rate limit reached\nbye") == "Error: Rate limit reached")
        #expect(RegexPattern("unclosed(") == nil)
        #expect(RegexPattern("unclosed(") == nil)
    }

    @Test func theCacheIsBounded() {
        for n in 0..<(RegexPattern.cacheLimit + 100) { _ = RegexPattern("bounded-\(n)") }
        #expect(RegexPattern.cachedCount <= RegexPattern.cacheLimit)
        #expect(RegexPattern("bounded-5")?.matches("x bounded-5 y") == true)
    }
}
