namespace Federation.Store;

// The store by role: each part of the node depends on the one small interface it needs, never on
// the database behind it. Each role is its own class over one database handle — SqliteStaging,
// SqliteSealedPeriods, … over SqliteStore (SQLite); PostgresStaging, … over PostgresStore —
// and INodeStore hands them out (docs/architecture.md, "The store by role").

/// <summary>
/// One node's store, whichever database: it owns the database (opening, connections, the single
/// writer, backups) and hands out one object per role. The composition root registers each role
/// separately; tests run the same suite over both databases through this interface.
/// </summary>
public interface INodeStore : IStoreMaintenance, IDisposable
{
    /// <summary>The id recorded as the origin of this node's own sealed records.</summary>
    string OwnerId { get; }

    IStaging Staging { get; }

    ISealedPeriods Periods { get; }

    IChildTransfers Transfers { get; }

    IHolderLookups Holders { get; }

    IFindings Findings { get; }

    IChildLinks Links { get; }

    IIndicatorQueries IndicatorQueries { get; }

    ISignedPeriods Signatures { get; }
}
