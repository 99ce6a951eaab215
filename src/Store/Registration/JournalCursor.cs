namespace Federation.Store.Registration;

/// <summary>A position in another node's sequence, and the epoch of that node's journal it counts in (empty: none yet).</summary>
public readonly record struct JournalCursor(long Seq, string Epoch);
