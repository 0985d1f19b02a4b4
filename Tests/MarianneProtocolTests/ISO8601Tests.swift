import Foundation
import MarianneProtocol
import Testing

/// The wire's dates: UTC, milliseconds truncated, read back to the same text.
struct ISO8601Tests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (1_700_000_000.25, "2023-11-14T22:13:20.250Z"), (951_782_400, "2000-02-29T00:00:00.000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"), (-1.5, "1969-12-31T23:59:58.500Z"), (1_764_633_600.0009, "2025-12-02T00:00:00.000Z"),
        (-30_610_224_000, "1000-01-01T00:00:00.000Z"), (-30_610_224_001, "999-12-31T23:59:59.000Z"), (253_402_300_800, "10000-01-01T00:00:00.000Z"),
    ])
    func knownDates(_ seconds: Double, _ text: String) {
        #expect(ISO8601.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func randomDatesReadBackToTheSameText() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &random))
            let text = ISO8601.format(date)
            #expect(text.utf8.count == 24)
            let back = try #require(ISO8601.parse(text))
            #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
            #expect(ISO8601.format(back) == text)
        }
    }
}
