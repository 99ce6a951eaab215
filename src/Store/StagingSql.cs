namespace Federation.Store;

/// <summary>
/// The staging statements both stores prepare (<c>SqliteStagingTransaction</c>,
/// <c>PostgresStagingTransaction</c>), with the database's positional parameter marker (SQLite
/// <c>?1</c>, PostgreSQL <c>$1</c>): the same text, so the two imports keep the same rules.
/// </summary>
internal static class StagingSql
{
    /// <summary>
    /// The upsert of a staged record by natural key that leaves an identical row untouched (so the
    /// count of changed rows is true), with positional parameters marked by <paramref name="marker"/>
    /// and the database's null-safe inequality (SQLite <c>IS NOT</c>, PostgreSQL <c>IS DISTINCT FROM</c>).
    /// </summary>
    internal static string Upsert(Dataset dataset, char marker, string differs)
    {
        var columns = dataset.Columns;
        var parameters = string.Join(", ", columns.Select((_, i) => $"{marker}{i + 1}"));
        var updates = string.Join(", ", columns.Skip(1).Select(c => $"{c} = excluded.{c}"));
        var current = string.Join(", ", columns.Skip(1).Select(c => $"s_{dataset.Name}.{c}"));
        var incoming = string.Join(", ", columns.Skip(1).Select(c => $"excluded.{c}"));
        return $"INSERT INTO s_{dataset.Name} ({string.Join(", ", columns)}) VALUES ({parameters}) " +
               $"ON CONFLICT ({dataset.KeyColumn}) DO UPDATE SET {updates} WHERE ({current}) {differs} ({incoming})";
    }

    /// <summary>A staged person's <c>valid</c> (1: citizen ID).</summary>
    internal static string PersonValidity(char marker) => $"SELECT valid FROM s_persons WHERE citizen_id = {marker}1";

    /// <summary>Another valid, not cancelled certificate of the person (1: citizen ID, 2: the certificate number to leave out).</summary>
    internal static string OtherValidCertificate(char marker) =>
        $"SELECT certificate_number FROM s_certificates WHERE citizen_id = {marker}1 AND certificate_number <> {marker}2 AND valid = 1 AND cancel_date = '' LIMIT 1";

    /// <summary>A valid employment registration of the person open on a date (1: citizen ID, 2: the date).</summary>
    internal static string EmploymentOpenOn(char marker) =>
        $"SELECT registration_id FROM s_employment WHERE citizen_id = {marker}1 AND valid = 1 AND start_date <= {marker}2 AND (end_date = '' OR end_date > {marker}2) LIMIT 1";
}
