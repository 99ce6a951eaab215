using System.Data.Common;
using System.Globalization;

namespace Federation.Store;

/// <summary>
/// The <c>signed_periods</c> table as every store reads and writes it — the same SQL (<c>@name</c>
/// parameters, which SQLite and PostgreSQL both take) and the same rule: an equal statement already
/// held is left alone, a different one refused. <see cref="Sqlite.SqliteSignedPeriods"/> and
/// <see cref="Postgres.PostgresSignedPeriods"/> only bring the connection and its transaction.
/// </summary>
internal static class SignedPeriodsSql
{
    private const string Columns = "node_id, period, statement, signature, certificate, received_from";

    public static IReadOnlyList<SignedPeriod> List(DbConnection connection)
    {
        using var command = FindingsSql.Command(connection, null, $"SELECT {Columns} FROM signed_periods ORDER BY node_id, period");
        using var reader = command.ExecuteReader();
        var all = new List<SignedPeriod>();
        while (reader.Read())
        {
            all.Add(Read(reader));
        }
        return all;
    }

    public static SignedPeriod? Find(DbConnection connection, DbTransaction? transaction, string nodeId, Period period)
    {
        using var command = FindingsSql.Command(connection, transaction, $"SELECT {Columns} FROM signed_periods WHERE node_id = @node AND period = @period",
            ("node", nodeId), ("period", period.ToString()));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Writes one signed manifest on <paramref name="transaction"/>; an equal statement already held is left alone, a different one refused.</summary>
    /// <exception cref="StoreException">A different statement is held for the node and period.</exception>
    public static void Insert(DbConnection connection, DbTransaction transaction, SignedPeriod period, DateTimeOffset now)
    {
        var held = Find(connection, transaction, period.NodeId, period.Period);
        if (held is not null)
        {
            if (!held.SameStatement(period))
            {
                throw new StoreException(
                    $"{period.NodeId} presented a signed manifest for period {period.Period} that differs from the one it signed before; " +
                    "a sealed period cannot be replaced — the one held is kept (docs/security.md, \"Signed periods\").");
            }
            return;
        }
        using var command = FindingsSql.Command(connection, transaction,
            $"INSERT INTO signed_periods ({Columns}, recorded_at) VALUES (@node, @period, @statement, @signature, @certificate, @from, @at)",
            ("node", period.NodeId), ("period", period.Period.ToString()), ("statement", period.Statement), ("signature", period.Signature),
            ("certificate", period.Certificate), ("from", period.ReceivedFrom), ("at", now.ToString("O", CultureInfo.InvariantCulture)));
        command.ExecuteNonQuery();
    }

    private static SignedPeriod Read(DbDataReader reader) =>
        new(reader.GetString(0), Period.Parse(reader.GetString(1)), (byte[])reader[2], (byte[])reader[3], (byte[])reader[4], reader.GetString(5));
}
