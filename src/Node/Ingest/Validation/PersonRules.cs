using System.Globalization;
using Federation.Standards;
using Federation.Store;

namespace Federation.Node.Ingest.Validation;

// The rules of import of persons and their certificates.

/// <summary>个人基本信息: the citizen ID, and the sex and birth date it encodes; the name; the household division (a retired code accepted).</summary>
internal sealed class PersonRules() : DatasetRules(Dataset.Persons)
{
    public override void Check(RecordRow row)
    {
        var idText = row.Raw("citizen_id");
        var sex = row.Code("sex", ["1", "2"], required: true);
        var birth = row.Date("birth_date", required: true, row.Today);
        if (!CitizenId.TryParse(idText, out var id, out var error))
        {
            row.Fail("citizen_id", $"is not a valid GB 11643 citizen ID: {error}");
        }
        else
        {
            row.Set("citizen_id", id.Value);
            if (sex is not null && sex != ((int)id.Sex).ToString(CultureInfo.InvariantCulture))
            {
                row.Fail("sex", $"is {sex} but the citizen ID says {(id.Sex == Sex.Male ? "1 (male)" : "2 (female)")}");
            }
            if (birth is not null && birth != id.BirthDate)
            {
                row.Fail("birth_date", $"is {birth:yyyy-MM-dd} but the citizen ID says {id.BirthDate:yyyy-MM-dd}");
            }
        }
        row.Text("name", required: true, maxLength: 50);
        // The household register (户籍) may still carry a code retired since the person registered
        // there, so a retired code is accepted whatever its date; an unknown one is not.
        row.KnownDivision("household_division", row.Divisions);
        row.Code("household_nature", ["1", "2"], required: false);
    }
}

/// <summary>就业失业登记证: the number, its holder, its dates, and its issuing county — the number's own, and inside the jurisdiction (the node that covers the county holds it).</summary>
internal sealed class CertificateRules() : DatasetRules(Dataset.Certificates)
{
    public override void Check(RecordRow row)
    {
        var numberText = row.Raw("certificate_number");
        CertificateNumber? numberParsed = null;
        if (!CertificateNumber.TryParse(numberText, out var number, out var error))
        {
            row.Set("certificate_number", numberText);
            row.Fail("certificate_number", $"is not a certificate number: {error}");
        }
        else
        {
            row.Set("certificate_number", number.Value);
            numberParsed = number;
        }
        row.Person("citizen_id");
        var (issued, _) = row.Span("issue_date", "cancel_date");
        // A certificate issued in 2012 by 增城市 (440183, retired in 2014) keeps its issuer's code.
        // Dated by the issue: a certificate issued in 2012 by 增城市 (440183, retired in 2014) keeps its
        // issuer's code. Without an issue date (already reported) the code is checked for any date.
        row.KnownDivision("issuing_division", row.Divisions, issued);
        // A canonical number routes by its first six digits: they must be the issuer the record
        // names, or a verifier granted that county would be answered another county's holder.
        if (numberParsed is { IsLegacy: false, IssuerCode: { } issuer } && row.Raw("issuing_division") is { Length: > 0 } issuing && issuing != issuer)
        {
            row.Fail("issuing_division", $"is {issuing}, but the certificate number's first six digits name the issuer {issuer}");
        }
        // …and a certificate is held by the node that covers its issuing county, where verification
        // routes it: one filed elsewhere would be answered, from a parent's copy, as if its issuer had.
        else
        {
            row.InsideJurisdiction("issuing_division", row.Jurisdiction);
        }
    }

    // One valid certificate per person.
    public override void CheckAgainstStaged(string[] values, IStagingTransaction staging, List<(string Field, string Reason)> errors)
    {
        var dataset = Dataset;
        var citizen = values[dataset.CitizenColumn];
        if (values[dataset.ValidColumn] == "1" && values[dataset.IndexOf("cancel_date")].Length == 0 && !HasError(errors, "certificate_number") &&
            staging.OtherValidCertificate(citizen, values[0]) is { } other)
        {
            errors.Add(("certificate_number", $"the person already holds valid certificate {CitizenId.Mask(other)}; cancel it first (one valid certificate per person)"));
        }
    }
}
