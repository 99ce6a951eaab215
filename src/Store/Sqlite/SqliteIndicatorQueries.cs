namespace Federation.Store.Sqlite;

/// <summary>
/// <see cref="IIndicatorQueries"/> on SQLite: read-only connections; SQLite has no array
/// parameter, so a list travels as JSON (<c>json_each</c>).
/// </summary>
internal sealed class SqliteIndicatorQueries(SqliteStore store) : IIndicatorQueries, IIndicatorDialect
{
    public IIndicatorReader Open(IndicatorScope scope) => new IndicatorReader(this, scope);

    System.Data.Common.DbConnection IIndicatorDialect.Open() => store.OpenReader();

    public string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public object ListValue(IReadOnlyCollection<string> values) => System.Text.Json.JsonSerializer.Serialize(values);
}
