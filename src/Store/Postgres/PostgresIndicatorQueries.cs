using Npgsql;

namespace Federation.Store.Postgres;

/// <summary>
/// <see cref="IIndicatorQueries"/> on PostgreSQL: the same sessions and SQL as SQLite's
/// (<see cref="IndicatorReader"/>, <see cref="IndicatorSql"/>), lists bound as text arrays
/// (<c>= ANY(@children)</c>).
/// </summary>
internal sealed class PostgresIndicatorQueries(NpgsqlDataSource source) : IIndicatorQueries, IIndicatorDialect
{
    public IIndicatorReader Open(IndicatorScope scope) => new IndicatorReader(this, scope);

    System.Data.Common.DbConnection IIndicatorDialect.Open() => source.OpenConnection();

    public string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public object ListValue(IReadOnlyCollection<string> values) => values.ToArray();
}
