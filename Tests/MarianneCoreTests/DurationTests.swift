import Foundation
import MarianneCore
import Testing

struct DurationTests {
    @Test(arguments: [("30s", 30.0), ("10m", 600), ("2h", 7200), ("7d", 604_800), ("1h30m", 5400), ("500ms", 0.5), ("45", 45), ("1.5h", 5400)])
    func parsesDurations(text: String, seconds: Double) throws {
        #expect(try DurationParser.parse(text) == seconds)
    }

    @Test(arguments: ["", "soon", "10x", "h", "-5m", "1h-", "m30"])
    func refusesNonsense(text: String) {
        #expect(throws: DurationError.self) { try DurationParser.parse(text) }
    }

    @Test func formatsForPeople() {
        #expect(DurationFormatter.human(45) == "45s")
        #expect(DurationFormatter.human(185) == "3m 5s")
        #expect(DurationFormatter.human(8100) == "2h 15m")
        #expect(DurationFormatter.human(273_600) == "3d 4h")
        #expect(DurationFormatter.human(7200) == "2h")
    }

    /// Below ten seconds the text is what C's `%.0f` / `%.1f` print (the exact double, ties
    /// to even), for the values where a product rounded first would differ (1.15, 0.25, 9.95,
    /// 0.0005) and for many random ones.
    @Test func shortDurationsRoundAsPrintfDoes() {
        var values: [Double] = [0.0005, 0.0015, 0.25, 0.35, 1.05, 1.15, 1.25, 2.675, 4.45, 9.95, 9.96, 0.999_6, 0.123_456]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Double.random(in: 0..<10, using: &generator)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: 1..<1000, using: &generator)) / 100 + 0.005) }
        for value in values where value > 0 && value != value.rounded() {
            let expected = value < 1 ? String(format: "%.0fms", value * 1000) : String(format: "%.1fs", value)
            #expect(DurationFormatter.human(value) == expected, "\(value)")
        }
    }

    @Test func configHashIsSixteenHexDigits() {
        // FNV-1a 64 of the empty text is its offset basis; "a" is a published value.
        #expect(ConfigHash.of("") == "cbf29ce484222325")
        #expect(ConfigHash.of("a") == "af63dc4c8601ec8c")
        #expect(ConfigHash.of("job-61700") == "00898bf5bc5e78ef")  // leading zeros kept
        for text in ["name: x", "", "\u{1F600}", String(repeating: "y", count: 999)] {
            #expect(ConfigHash.of(text).count == 16)
        }
    }
}
