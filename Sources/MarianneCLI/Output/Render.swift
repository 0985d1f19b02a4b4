import Foundation
import MarianneProtocol
import MarianneCore

/// Plain-text rendering shared by the commands.
enum Render {
    /// `parts` with `separator` between them. The standard library's `joined(separator:)` is
    /// reached through its unspecialized generic entry here, which looks up an associated
    /// type at run time: in a fresh process, a search of the whole conformance table (a
    /// fifth of what `mzt status` executed).
    static func join(_ parts: [String], _ separator: String) -> String {
        var text = ""
        for (index, part) in parts.enumerated() {
            if index > 0 { text += separator }
            text += part
        }
        return text
    }

    /// Left-aligned columns separated by two spaces. With `width` (the terminal's), the
    /// column `shrink` is shortened with an ellipsis so that rows fit, down to 12 characters.
    /// `style` colours a cell (column, text) after it is padded: escapes never count as width.
    static func table(
        _ header: [String], _ rows: [[String]], width: Int? = nil, shrink: Int? = nil,
        style: ((Int, String) -> String)? = nil
    ) -> String {
        var rows = rows
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        if let width, let shrink, shrink < widths.count {
            let others = widths.enumerated().filter { $0.offset != shrink }.map(\.element).reduce(0, +) + 2 * (widths.count - 1)
            let room = max(12, width - others)
            if widths[shrink] > room {
                widths[shrink] = max(room, header[shrink].count)
                for r in rows.indices where shrink < rows[r].count {
                    rows[r][shrink] = TextWrap.truncate(rows[r][shrink], to: widths[shrink])
                }
            }
        }
        func line(_ cells: [String], styled: Bool, into text: inout String) {
            for (i, cell) in cells.enumerated() {
                let shown = styled ? style?(i, cell) ?? cell : cell
                // Columns are as wide as their widest cell in characters; the last is not filled.
                text += i == cells.count - 1 ? shown : pad(shown, by: widths[i] - cell.count) + "  "
            }
        }
        // Written piece by piece: the standard library's `joined` on `[String]` is not
        // specialized, and its first call resolves its generic witnesses at run time.
        var text = ""
        line(header, styled: false, into: &text)
        for row in rows {
            text += "\n"
            line(row, styled: true, into: &text)
        }
        return text
    }

    /// `text` and `count` spaces after it (none for a count below 1).
    static func pad(_ text: String, by count: Int) -> String {
        count > 0 ? text + String(repeating: " ", count: count) : text
    }

    /// `[#########...........]  3/10`
    static func progressBar(done: Int, total: Int, width: Int = 30) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 1 { return CFormat.string("%.0fms", seconds * 1000) }
        return DurationFormatter.human(seconds)
    }

    /// Local time: `HH:MM:SS` today, `YYYY-MM-DD HH:MM` otherwise.
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        func local(_ seconds: Double) -> tm {
            var time = time_t(seconds)
            var parts = tm()
            localtime_r(&time, &parts)
            return parts
        }
        let parts = local(date.timeIntervalSince1970)
        let today = local(Date().timeIntervalSince1970)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let clock = "\(two(parts.tm_hour)):\(two(parts.tm_min))"
        if parts.tm_year == today.tm_year, parts.tm_yday == today.tm_yday {
            return clock + ":\(two(parts.tm_sec))"
        }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) " + clock
    }

    /// Pretty JSON for `--json` output.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder.makeWire()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func lastLines(_ text: String?, _ count: Int) -> [String] {
        guard let text else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init)
    }
}

extension Render {
    /// Compact one-line JSON.
    static func jsonLine<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder.wire
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
