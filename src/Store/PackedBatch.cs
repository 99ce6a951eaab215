namespace Federation.Store;

/// <summary>A packed batch of one dataset's records (see <see cref="PackedRecords"/>) and its last position.</summary>
public sealed record PackedBatch(ReadOnlyMemory<byte> Bytes, int Records, string LastOrigin, string LastKey);
