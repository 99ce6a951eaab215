using Microsoft.Data.Sqlite;

namespace Federation.Store.Sqlite;

/// <summary>
/// One import's writes to the staged data, in one SQLite transaction: nothing is visible to
/// others, or survives a crash, until <see cref="Commit"/>. Records are upserted by natural key;
/// writing a record identical to the staged one changes nothing. Commands are prepared once per
/// dataset and their parameters reused.
/// </summary>
public sealed class SqliteStagingTransaction : IStagingTransaction
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly Action _release;
    private readonly Dictionary<Dataset, RawStatement> _upserts = [];
    private readonly Dictionary<Dataset, SqliteCommand> _lookups = [];
    private RawStatement? _personExists;
    private RawStatement? _otherValidCertificate;
    private RawStatement? _openEmployment;
    private bool _done;

    internal SqliteStagingTransaction(SqliteConnection connection, Action release)
    {
        _connection = connection;
        _release = release;
        _transaction = connection.BeginTransaction(deferred: false);
    }

    /// <summary>Records written (inserted or changed) so far.</summary>
    public long Changed { get; private set; }

    /// <summary>Records that were already staged exactly as given.</summary>
    public long Unchanged { get; private set; }

    /// <summary>Inserts or updates one record (values in <see cref="Dataset.Columns"/> order; valid as "1"/"0").</summary>
    public bool Upsert(Dataset dataset, IReadOnlyList<string> values)
    {
        if (!_upserts.TryGetValue(dataset, out var command))
        {
            command = new RawStatement(_connection, StagingSql.Upsert(dataset, '?', "IS NOT"));
            _upserts[dataset] = command;
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (i == dataset.ValidColumn)
            {
                command.Bind(i + 1, values[i] == "1" ? 1L : 0L);
            }
            else
            {
                command.Bind(i + 1, values[i]);
            }
        }
        var changed = command.Execute() > 0;
        if (changed)
        {
            Changed++;
        }
        else
        {
            Unchanged++;
        }
        return changed;
    }

    /// <summary>The staged record with this natural key, or null.</summary>
    public string[]? Find(Dataset dataset, string key)
    {
        if (!_lookups.TryGetValue(dataset, out var command))
        {
            command = Prepare($"SELECT {string.Join(", ", dataset.Columns)} FROM s_{dataset.Name} WHERE {dataset.KeyColumn} = $p0", 1);
            _lookups[dataset] = command;
        }
        command.Parameters[0].Value = key;
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteStore.ReadRow(reader, dataset) : null;
    }

    /// <summary>Whether the staged person is valid (true), marked invalid (false), or not staged at all (null).</summary>
    public bool? PersonValidity(string citizenId)
    {
        _personExists ??= new RawStatement(_connection, StagingSql.PersonValidity('?'));
        _personExists.Bind(1, citizenId);
        return _personExists.QueryText() switch
        {
            null => null,
            "1" => true,
            _ => false,
        };
    }

    /// <summary>The number of another valid, not cancelled certificate held by this person, or null.</summary>
    public string? OtherValidCertificate(string citizenId, string certificateNumber)
    {
        _otherValidCertificate ??= new RawStatement(_connection, StagingSql.OtherValidCertificate('?'));
        _otherValidCertificate.Bind(1, citizenId);
        _otherValidCertificate.Bind(2, certificateNumber);
        return _otherValidCertificate.QueryText();
    }

    /// <summary>
    /// The id of a valid employment registration of this person that is open on <paramref name="date"/>
    /// (started on or before it, not ended before it), or null.
    /// </summary>
    public string? EmploymentOpenOn(string citizenId, string date)
    {
        _openEmployment ??= new RawStatement(_connection, StagingSql.EmploymentOpenOn('?'));
        _openEmployment.Bind(1, citizenId);
        _openEmployment.Bind(2, date);
        return _openEmployment.QueryText();
    }

    /// <summary>Makes the import's writes durable and visible.</summary>
    public void Commit()
    {
        _transaction.Commit();
        _done = true;
    }

    /// <summary>Rolls back unless committed, and lets the next writer in.</summary>
    public void Dispose()
    {
        try
        {
            foreach (var statement in _upserts.Values)
            {
                statement.Dispose();
            }
            foreach (var command in _lookups.Values)
            {
                command.Dispose();
            }
            _personExists?.Dispose();
            _otherValidCertificate?.Dispose();
            _openEmployment?.Dispose();
            if (!_done)
            {
                try
                {
                    _transaction.Rollback();
                }
                catch (SqliteException)
                {
                    // SQLite has rolled back already (it does after SQLITE_FULL or an I/O error);
                    // the failure that brought us here is the one to report.
                }
            }
            _transaction.Dispose();
            if (!_done)
            {
                ReturnSpace();
            }
        }
        finally
        {
            _release();
        }
    }

    // A rolled-back import leaves its pages in the write-ahead log, which keeps its size: on a full
    // disk that is the space the audit log and the next import need.
    private void ReturnSpace() => SqliteStore.ReturnWalSpace(_connection);

    private SqliteCommand Prepare(string sql, int parameterCount)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameterCount; i++)
        {
            command.Parameters.Add("$p" + i, SqliteType.Text);
        }
        command.Prepare();
        return command;
    }
}
