namespace Federation.Store;

/// <summary>What an indicator session needs from its database: connections, how lists are tested and bound.</summary>
internal interface IIndicatorDialect
{
    /// <summary>A new open connection for reading sealed data.</summary>
    System.Data.Common.DbConnection Open();

    /// <summary>The condition that <paramref name="column"/> is one of the list in <paramref name="parameter"/>.</summary>
    string InList(string column, string parameter);

    /// <summary>The value a list parameter is bound to.</summary>
    object ListValue(IReadOnlyCollection<string> values);
}
