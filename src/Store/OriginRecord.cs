namespace Federation.Store;

/// <summary>
/// A sealed or received record: its values in its dataset's column order, and its origin — the id
/// of the node whose staging it was sealed from. A parent's merged period holds records of several
/// origins, and the same natural key may appear under two of them (which is a finding, not an
/// error).
/// </summary>
public readonly record struct OriginRecord(string Origin, IReadOnlyList<string> Values);
