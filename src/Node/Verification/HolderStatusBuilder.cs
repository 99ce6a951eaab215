using System.Globalization;
using Federation.Protocol.V1;
using Federation.Store;

namespace Federation.Node.Verification;

/// <summary>
/// A holder's status on a date from their records: every certificate with its state, the
/// registrations, recognitions, policies and benefits in force on the date, and the summary
/// (employment state, assistance target). Parts from several nodes merge by concatenation; the
/// summary is always recomputed from the lists, so a merged answer is summarised like a single one.
/// </summary>
internal static class HolderStatusBuilder
{
    public static HolderStatus Build(HolderRecords records, DateOnly asOf)
    {
        var day = Iso(asOf);
        var status = new HolderStatus { AsOf = day };
        var origins = new SortedSet<string>(StringComparer.Ordinal);
        IEnumerable<OriginRecord> Rows(Dataset dataset) => records.Records.TryGetValue(dataset, out var rows) ? rows : [];
        foreach (var row in Rows(Dataset.Persons).Take(1))
        {
            status.Person = RecordMessages.ToMessage<Person>(Dataset.Persons, row.Values);
        }
        foreach (var row in Rows(Dataset.Certificates))
        {
            var certificate = RecordMessages.ToMessage<Certificate>(Dataset.Certificates, row.Values);
            status.Certificates.Add(new CertificateStatus
            {
                Certificate = certificate,
                Origin = row.Origin,
                State = !certificate.Valid ? CertificateState.Invalidated
                    : certificate.CancelDate.Length > 0 && string.CompareOrdinal(certificate.CancelDate, day) <= 0 ? CertificateState.Cancelled
                    : CertificateState.Valid,
            });
            origins.Add(row.Origin);
        }
        // Registrations, recognitions, policies and benefits in force on the day. An employment,
        // policy or benefit ending on the day is still in force; a cancellation or an exit on the
        // day ends the state that day (as R-13 counts it).
        void AddInForce<T>(Dataset dataset, Google.Protobuf.Collections.RepeatedField<T> target, Func<T, bool> inForce) where T : Google.Protobuf.IMessage<T>, new()
        {
            foreach (var row in Rows(dataset))
            {
                var record = RecordMessages.ToMessage<T>(dataset, row.Values);
                if (inForce(record))
                {
                    target.Add(record);
                    origins.Add(row.Origin);
                }
            }
        }
        AddInForce<EmploymentRegistration>(Dataset.Employment, status.Employment, e => e.Valid && Started(e.StartDate, day) && Lasts(e.EndDate, day));
        AddInForce<UnemploymentRegistration>(Dataset.Unemployment, status.Unemployment, u => u.Valid && Started(u.RegisterDate, day) && NotEnded(u.CancelDate, day));
        AddInForce<AssistanceRecognition>(Dataset.Assistance, status.Assistance, a => a.Valid && Started(a.RecognizedDate, day) && NotEnded(a.ExitDate, day));
        AddInForce<PolicyEnjoyment>(Dataset.Policies, status.PoliciesInForce, p => p.Valid && Started(p.StartDate, day) && Lasts(p.EndDate, day));
        AddInForce<InsuranceBenefit>(Dataset.Benefits, status.BenefitsInForce, b => b.Valid && Started(b.StartDate, day) && Lasts(b.EndDate, day));
        foreach (var row in Rows(Dataset.Persons))
        {
            origins.Add(row.Origin);
        }
        status.Origins.AddRange(origins);
        return Summarise(status);
    }

    /// <summary>One status from parts answered by several nodes (same person, same date).</summary>
    public static HolderStatus Merge(IReadOnlyList<HolderStatus> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var merged = new HolderStatus { AsOf = parts[0].AsOf, Person = parts.Select(p => p.Person).FirstOrDefault(p => p is not null) };
        foreach (var part in parts)
        {
            merged.Certificates.AddRange(part.Certificates);
            merged.Employment.AddRange(part.Employment);
            merged.Unemployment.AddRange(part.Unemployment);
            merged.Assistance.AddRange(part.Assistance);
            merged.PoliciesInForce.AddRange(part.PoliciesInForce);
            merged.BenefitsInForce.AddRange(part.BenefitsInForce);
        }
        merged.Origins.AddRange(parts.SelectMany(p => p.Origins).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return Summarise(merged);
    }

    private static HolderStatus Summarise(HolderStatus status)
    {
        status.EmploymentState = (status.Employment.Count > 0, status.Unemployment.Count > 0) switch
        {
            (true, true) => EmploymentState.Conflicting,
            (true, false) => EmploymentState.Employed,
            (false, true) => EmploymentState.Unemployed,
            _ => EmploymentState.NotRegistered,
        };
        status.AssistanceTarget = status.Assistance.Count > 0;
        return status;
    }

    private static bool Started(string date, string day) => string.CompareOrdinal(date, day) <= 0;

    private static bool NotEnded(string date, string day) => date.Length == 0 || string.CompareOrdinal(date, day) > 0;

    private static bool Lasts(string end, string day) => end.Length == 0 || string.CompareOrdinal(end, day) >= 0;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
