import BigInt
import Foundation

/// One token of template source, with its offset (in Unicode scalars) for error positions.
struct TemplateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case data
        case variableBegin, variableEnd
        case blockBegin, blockEnd
        case name, string, integer, float, op
        case eof
    }

    var kind: Kind
    /// Data text, a name, an operator, or a decoded string literal.
    var text: String
    var integer: Int = 0
    /// The value of an integer literal beyond 64 bits.
    var bigInteger: BigInt?
    var float: Double = 0
    var offset: Int

    func isName(_ name: String) -> Bool { kind == .name && text == name }
    func isOp(_ op: String) -> Bool { kind == .op && text == op }

    /// How Jinja names the token in "expected ..." messages.
    var describe: String {
        switch kind {
        case .data: return "template data"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name, .op: return "'\(text)'"
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .eof: return "end of template"
        }
    }
}

/// Maps scalar offsets of the (newline-normalised) source to 1-based line and column.
struct TemplateSourceMap: Sendable {
    private let lineStarts: [Int]

    init(_ scalars: [Unicode.Scalar]) {
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        lineStarts = starts
    }

    func position(_ offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }
}
