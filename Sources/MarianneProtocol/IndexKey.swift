/// The coding key of an array element, named as Foundation names it ("Index 3"); shared by
/// `RequestEncoder` and `ResponseDecoder`.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
