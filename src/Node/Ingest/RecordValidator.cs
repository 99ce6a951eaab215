using Federation.Node.Ingest.Validation;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest;

/// <summary>
/// Checks one export row against the national standard (<see cref="Validate"/>, no I/O) and against
/// what is already staged (<see cref="CheckAgainstStaged"/>), and turns it into the store's column values. Rules (R-2: reject invalid data, corrected at source):
/// required fields; code tables; GB 11643 / GB 32100 checksums; the person exists; dates real, in
/// order and not in the future; the handling division known and inside this node's
/// jurisdiction (a certificate's issuing county too: it is held by the node that covers the county
/// its number routes to); one valid certificate per person; no unemployment registration that begins
/// while the same person's employment registration is still open.
/// <para>
/// A parent runs the same rules on every record a child sends it (<see cref="ValidateReceived"/>,
/// docs/security.md "Node-to-node trust"): made with the child's jurisdiction and, for
/// <paramref name="today"/>, the period's date, with <paramref name="receivedFrom"/> naming the child
/// and <paramref name="bound"/> what the date is ("the period"; "today" for a registration-feed change).
/// </para>
/// </summary>
internal sealed class RecordValidator(Jurisdiction jurisdiction, DivisionTable divisions, DateOnly today, string? receivedFrom = null, string bound = "the period")
{
    /// <summary>
    /// The checks that need nothing but the row (run on the reader's thread): returns the values in
    /// column order — filled as far as they could be read, even when <paramref name="errors"/> is
    /// not empty — or null when the row could not be read at all.
    /// </summary>
    public string[]? Validate(Dataset dataset, SourceRecord record, List<(string Field, string Reason)> errors)
    {
        errors.Clear();
        if (record.Fields.TryGetValue("__error", out var rowError))
        {
            errors.Add(("(row)", rowError));
            return null;
        }
        var row = new RecordRow(dataset, record, errors, new RowScope(jurisdiction, divisions, today, receivedFrom, bound));
        DatasetRules.For(dataset).Check(row);
        row.HandlingDivision(jurisdiction, divisions);
        row.ValidFlag();
        return row.Values;
    }

    /// <summary>
    /// The row checks of <see cref="Validate"/> for a record as a child sent it (values in the
    /// dataset's column order, valid as 1/0): besides those, the values must be exactly what import
    /// stores (normalised: a sealed record was), and no date may be after the period (every date and
    /// month column, as sealing requires: <see cref="SealRules.DatedAfter"/>). Returns whether the
    /// record passed; <paramref name="errors"/> says why not.
    /// </summary>
    public bool ValidateReceived(Dataset dataset, IReadOnlyList<string> values, Dictionary<string, string> fields, List<(string Field, string Reason)> errors)
    {
        fields.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            fields[dataset.Columns[i]] = values[i];
        }
        var normalised = Validate(dataset, new SourceRecord(receivedFrom ?? "", 0, fields), errors);
        for (var i = 0; normalised is not null && i < values.Count; i++)
        {
            var column = dataset.Columns[i];
            if (!HasError(errors, column) && normalised[i] != values[i])
            {
                // No value in the reason: it may be a name or an ID number.
                errors.Add((column, "is not in the form import stores (it would be normalised); a sealed record always is"));
            }
        }
        foreach (var column in SealRules.DateColumns(dataset))
        {
            var index = dataset.IndexOf(column);
            if (!HasError(errors, column) && SealRules.DatedAfter(new Period(today), column, values[index]) is { } limit)
            {
                errors.Add((column, RecordRow.After(values[index], limit, bound)));
            }
        }
        return errors.Count == 0;
    }

    /// <summary>
    /// The checks against what is already staged (run on the writer's thread, inside the import's
    /// transaction, so earlier rows of the same import count): the person exists; one valid
    /// certificate per person; no unemployment beginning while an employment is open. Fields that
    /// failed to parse are not checked again.
    /// </summary>
    public static void CheckAgainstStaged(Dataset dataset, string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        if (dataset.CitizenColumn >= 0 && dataset != Dataset.Persons)
        {
            // A record of a person needs the person's valid basic information.
            if (HasError(errors, "citizen_id"))
            {
                return;
            }
            var citizen = values[dataset.CitizenColumn];
            switch (staging.PersonValidity(citizen))
            {
                case null:
                    errors.Add(("citizen_id", $"names no person ({CitizenId.Mask(citizen)}): import the person's basic information first"));
                    return;
                case false:
                    errors.Add(("citizen_id", $"names a person ({CitizenId.Mask(citizen)}) whose basic information is marked invalid (valid=0); a record of a person needs the person's valid basic information"));
                    return;
            }
        }
        DatasetRules.For(dataset).CheckAgainstStaged(values, staging, errors);
    }

    private static bool HasError(List<(string Field, string Reason)> errors, string field) => DatasetRules.HasError(errors, field);
}

/// <summary>Maps a reason as exported to its standard code, or says why it is not allowed.</summary>
internal delegate string? ExitReasonNormalizer(string value, out string? problem);
