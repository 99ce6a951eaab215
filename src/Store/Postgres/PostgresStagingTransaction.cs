using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// One import on PostgreSQL: one transaction holding the store's writer lock (an advisory lock,
/// so imports and seals of any process queue as SQLite's single writer does), upserts by natural
/// key that leave an identical row untouched, and the look-ups the validator needs, all seeing the
/// transaction's own writes. Statements are prepared once.
/// </summary>
internal sealed class PostgresStagingTransaction : IStagingTransaction
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly Action _release;
    private readonly Dictionary<Dataset, NpgsqlCommand> _upserts = [];
    private readonly Dictionary<Dataset, NpgsqlCommand> _finds = [];
    private NpgsqlCommand? _personValidity;
    private NpgsqlCommand? _otherCertificate;
    private NpgsqlCommand? _openEmployment;
    private bool _done;

    public PostgresStagingTransaction(NpgsqlConnection connection, Action release)
    {
        _connection = connection;
        _release = release;
        try
        {
            _transaction = connection.BeginTransaction();
            using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(727400001)", connection, _transaction);
            lockCommand.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public long Changed { get; private set; }

    public long Unchanged { get; private set; }

    public bool Upsert(Dataset dataset, IReadOnlyList<string> values)
    {
        if (!_upserts.TryGetValue(dataset, out var command))
        {
            var columns = dataset.Columns;
            command = new NpgsqlCommand(StagingSql.Upsert(dataset, '$', "IS DISTINCT FROM"), _connection, _transaction);
            for (var i = 0; i < columns.Count; i++)
            {
                command.Parameters.Add(i == dataset.ValidColumn ? new NpgsqlParameter<short>() : new NpgsqlParameter<string>());
            }
            command.Prepare();
            _upserts[dataset] = command;
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (i == dataset.ValidColumn)
            {
                ((NpgsqlParameter<short>)command.Parameters[i]).TypedValue = values[i] == "1" ? (short)1 : (short)0;
            }
            else
            {
                ((NpgsqlParameter<string>)command.Parameters[i]).TypedValue = values[i];
            }
        }
        var changed = command.ExecuteNonQuery() > 0;
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

    public string[]? Find(Dataset dataset, string key)
    {
        if (!_finds.TryGetValue(dataset, out var command))
        {
            command = Prepare($"SELECT {PostgresStore.Columns(dataset)} FROM s_{dataset.Name} WHERE {dataset.KeyColumn} = $1", 1);
            _finds[dataset] = command;
        }
        command.Parameters[0].Value = key;
        using var reader = command.ExecuteReader();
        return reader.Read() ? PostgresStore.ReadRow(reader, dataset, 0) : null;
    }

    public bool? PersonValidity(string citizenId)
    {
        _personValidity ??= Prepare(StagingSql.PersonValidity('$'), 1);
        _personValidity.Parameters[0].Value = citizenId;
        return _personValidity.ExecuteScalar() switch
        {
            short valid => valid == 1,
            _ => null,
        };
    }

    public string? OtherValidCertificate(string citizenId, string certificateNumber)
    {
        _otherCertificate ??= Prepare(StagingSql.OtherValidCertificate('$'), 2);
        _otherCertificate.Parameters[0].Value = citizenId;
        _otherCertificate.Parameters[1].Value = certificateNumber;
        return _otherCertificate.ExecuteScalar() as string;
    }

    public string? EmploymentOpenOn(string citizenId, string date)
    {
        _openEmployment ??= Prepare(StagingSql.EmploymentOpenOn('$'), 2);
        _openEmployment.Parameters[0].Value = citizenId;
        _openEmployment.Parameters[1].Value = date;
        return _openEmployment.ExecuteScalar() as string;
    }

    private NpgsqlCommand Prepare(string sql, int parameters)
    {
        var command = new NpgsqlCommand(sql, _connection, _transaction);
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
        command.Prepare();
        return command;
    }

    public void Commit()
    {
        _transaction.Commit();
        _done = true;
    }

    public void Dispose()
    {
        try
        {
            foreach (var command in _upserts.Values.Concat(_finds.Values).Concat(new[] { _personValidity, _otherCertificate, _openEmployment }.OfType<NpgsqlCommand>()))
            {
                command.Dispose();
            }
            if (!_done)
            {
                _transaction.Rollback();
            }
            _transaction.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _release();
        }
    }
}
