using System.Text;
using System.Text.Unicode;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Exchange.Parent;

/// <summary>
/// Checks every record a child sends before any of it is stored (docs/security.md, "Node-to-node
/// trust"): a child's word is taken for nothing, so a record must be one this node's own rules would
/// have accepted from the child — inside the child's jurisdiction (handling division, and a
/// certificate's issuing county), valid by the same <see cref="RecordValidator"/> import runs, in the
/// form import stores it, and dated on or before the period. The first record that is not refuses the
/// whole transfer (<see cref="RecordRefusedException"/>).
/// </summary>
internal sealed class ReceiptCheck
{
    private readonly string _childId;
    private readonly Jurisdiction _jurisdiction;
    private readonly DivisionTable _divisions;
    private readonly Period _period;
    private readonly RecordValidator _validator;
    private readonly List<(string Field, string Reason)> _errors = [];
    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);

    public ReceiptCheck(ChildOptions child, Period period, DivisionTable? divisions = null)
        : this(child.Id, (divisions ?? DivisionTable.Default).JurisdictionOf(child.DivisionCode), period, divisions ?? DivisionTable.Default)
    {
    }

    public ReceiptCheck(string childId, Jurisdiction jurisdiction, Period period, DivisionTable divisions)
    {
        _childId = childId;
        _jurisdiction = jurisdiction;
        _divisions = divisions;
        _period = period;
        // "Today" for the validator is the period's date: nothing in it may be dated later.
        _validator = new RecordValidator(jurisdiction, divisions, period.AsOf, receivedFrom: childId);
    }

    /// <summary>Checks each record of a packed batch (<see cref="PackedRecords"/>); returns how many there were, or throws at the first refused one.</summary>
    public long Check(Dataset dataset, ReadOnlySpan<byte> packed)
    {
        var values = new string[dataset.Columns.Count];
        return PackedRecords.ForEachRecord(packed, dataset, _childId, (line, fields) =>
        {
            // Bytes that are not UTF-8 would be stored as they came, and hashed, yet read back as
            // U+FFFD: refused (found by fuzzing, issue 25).
            if (!Utf8.IsValid(line[fields[0]]))
            {
                throw new StoreException($"A packed {dataset.Name} record from {_childId} has an origin that is not valid UTF-8.");
            }
            var notUtf8 = -1;
            for (var i = 0; i < values.Length; i++)
            {
                var bytes = line[fields[i + 1]];
                if (notUtf8 < 0 && !Utf8.IsValid(bytes))
                {
                    notUtf8 = i;
                }
                values[i] = Encoding.UTF8.GetString(bytes);
            }
            if (notUtf8 >= 0)
            {
                throw new RecordRefusedException(_childId, _period, dataset.Name, CitizenId.Mask(values[0]), dataset.Columns[notUtf8], "is not valid UTF-8",
                    RecordRefusedException.Validation);
            }
            Check(dataset, values);
        });
    }

    /// <summary>
    /// Checks one received batch — packed, or record by record from a child that does not pack — and
    /// returns the packed bytes to store (one piece each). A packed batch must hold exactly the number
    /// of records it says (<c>packed_records</c>): a batch that does not is a broken stream, refused
    /// with <see cref="StoreException"/> before anything of it is stored. Nothing is allocated from
    /// that number: the records are counted as they are read.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> CheckBatch(Dataset dataset, Federation.Protocol.V1.RecordBatch batch)
    {
        var pieces = new List<ReadOnlyMemory<byte>>(2);
        if (batch.Records.Count > 0)
        {
            var packed = PackedRecords.Pack(dataset, batch.Records.Select(r => new OriginRecord(r.Origin, r.Values)), _childId);
            Check(dataset, packed.Span);
            pieces.Add(packed);
        }
        if (batch.PackedRecords != 0 || !batch.Packed.IsEmpty)
        {
            var counted = Check(dataset, batch.Packed.Span);
            if (counted != batch.PackedRecords)
            {
                throw new StoreException($"A packed {dataset.Name} batch from {_childId} holds {counted} records but says {batch.PackedRecords}; the stream is refused.");
            }
            pieces.Add(batch.Packed.Memory);
        }
        return pieces;
    }

    /// <summary>Checks one record (values in the dataset's column order, valid as 1/0); throws when it is refused.</summary>
    public void Check(Dataset dataset, IReadOnlyList<string> values)
    {
        if (_validator.ValidateReceived(dataset, values, _fields, _errors))
        {
            return;
        }
        var (field, reason) = _errors[0];
        var index = dataset.IndexOf(field);
        var kind = Kind(dataset, field, index < 0 ? "" : values[index]);
        var more = _errors.Count > 1 ? $" (and {_errors.Count - 1} more problem{(_errors.Count > 2 ? "s" : "")} in the record)" : "";
        throw new RecordRefusedException(_childId, _period, dataset.Name, CitizenId.Mask(values[0]), field, reason + more, kind);
    }

    // What kind of refusal, for the metric: outside the child's jurisdiction, dated after the
    // period, or any other rule of import's validation.
    private string Kind(Dataset dataset, string field, string value) =>
        field is "handling_division" or "issuing_division" && _divisions.Find(value) is not null && !_jurisdiction.Contains(value) ? RecordRefusedException.Jurisdiction
        : SealRules.DateColumns(dataset).Contains(field) && SealRules.DatedAfter(_period, field, value) is not null ? RecordRefusedException.AfterPeriod
        : RecordRefusedException.Validation;
}

/// <summary>
/// A child's transfer refused because of one record: which child, period and dataset, the record's
/// key masked, the field and why — nothing of the record's content. The message says it all and is
/// what the child's link shows.
/// </summary>
internal sealed class RecordRefusedException(string childId, Period period, string dataset, string maskedKey, string field, string reason, string kind)
    : Exception($"{childId}'s period {period} refused at receipt: {dataset} record {maskedKey}: {field} {reason}. " +
        "Nothing of this transfer was kept; the child's previous period stays in use until it seals a corrected one.")
{
    public const string Jurisdiction = "jurisdiction";
    public const string AfterPeriod = "after_period";
    public const string Validation = "validation";

    public string ChildId { get; } = childId;

    public Period Period { get; } = period;

    public string Dataset { get; } = dataset;

    public string MaskedKey { get; } = maskedKey;

    public string Field { get; } = field;

    public string Reason { get; } = reason;

    /// <summary><see cref="Jurisdiction"/>, <see cref="AfterPeriod"/> or <see cref="Validation"/>.</summary>
    public string Kind { get; } = kind;
}
