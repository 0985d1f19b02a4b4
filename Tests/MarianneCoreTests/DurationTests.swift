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
}
