extension Array {
    /// The array in consecutive slices of at most `size` elements, for multi-row statements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        precondition(size > 0, "chunks need a positive size")
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
