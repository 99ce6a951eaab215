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
        foreach (var row in Rows(Dataset.Employment))
        {
            var e = RecordMessages.ToMessage<EmploymentRegistration>(Dataset.Employment, row.Values);
            if (e.Valid && Started(e.StartDate, day) && (e.EndDate.Length == 0 || string.CompareOrdinal(e.EndDate, day) >= 0))
            {
                status.Employment.Add(e);
                origins.Add(row.Origin);
            }
        }
        foreach (var row in Rows(Dataset.Unemployment))
        {
            var u = RecordMessages.ToMessage<UnemploymentRegistration>(Dataset.Unemployment, row.Values);
            if (u.Valid && Started(u.RegisterDate, day) && NotEnded(u.CancelDate, day))
            {
                status.Unemployment.Add(u);
                origins.Add(row.Origin);
            }
        }
        foreach (var row in Rows(Dataset.Assistance))
        {
            var a = RecordMessages.ToMessage<AssistanceRecognition>(Dataset.Assistance, row.Values);
            if (a.Valid && Started(a.RecognizedDate, day) && NotEnded(a.ExitDate, day))
            {
                status.Assistance.Add(a);
                origins.Add(row.Origin);
            }
        }
        foreach (var row in Rows(Dataset.Policies))
        {
            var p = RecordMessages.ToMessage<PolicyEnjoyment>(Dataset.Policies, row.Values);
            if (p.Valid && Started(p.StartDate, day) && (p.EndDate.Length == 0 || string.CompareOrdinal(p.EndDate, day) >= 0))
            {
                status.PoliciesInForce.Add(p);
                origins.Add(row.Origin);
            }
        }
        foreach (var row in Rows(Dataset.Benefits))
        {
            var b = RecordMessages.ToMessage<InsuranceBenefit>(Dataset.Benefits, row.Values);
            if (b.Valid && Started(b.StartDate, day) && (b.EndDate.Length == 0 || string.CompareOrdinal(b.EndDate, day) >= 0))
            {
                status.BenefitsInForce.Add(b);
                origins.Add(row.Origin);
            }
        }
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

    // A cancellation or exit on the day ends the state on that day (as R-13 counts it).
    private static bool NotEnded(string date, string day) => date.Length == 0 || string.CompareOrdinal(date, day) > 0;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
