using System.Text;
using Federation.Node.Configuration;
using Federation.Node.Exchange.Parent;
using Federation.Standards;
using Federation.Store;
using Xunit;

namespace Federation.Node.Tests.Exchange;

/// <summary>
/// A parent's check of each record a child sends (issue 20): the child's jurisdiction, import's
/// validation, nothing dated after the period — and a refusal names the record only masked.
/// </summary>
public sealed class ReceiptCheckTests
{
    private static readonly Period Period = Period.Parse("2026-10-31");
    private static readonly ChildOptions Shenzhen = new() { Id = "city-440300", DivisionCode = "440300", Address = "https://127.0.0.1:1" };

    // A man born 1990-01-01 in Shenzhen's 罗湖区 (440303).
    private static readonly string Man = Id("44030319900101001");

    private static string Id(string first17) => first17 + CitizenId.CheckCharacter(first17);

    private static string[] Person(string handling = "440303", string sex = "1") => [Man, "李四", sex, "1990-01-01", "440303", "1", handling, "1"];

    private static string[] Certificate(string number, string issuing, string issued = "2026-10-01", string citizen = "") =>
        [number, citizen.Length > 0 ? citizen : Man, issued, issuing, "", "440303", "1"];

    private static byte[] Packed(params string[][] rows) =>
        Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => "city-440300\t" + string.Join('\t', r) + "\n")));

    private static RecordRefusedException Refused(Dataset dataset, string[] values) =>
        Assert.Throws<RecordRefusedException>(() => new ReceiptCheck(Shenzhen, Period).Check(dataset, Packed(values)));

    [Fact]
    public void Check_RecordsImportWouldAccept_PassAndAreCounted()
    {
        var check = new ReceiptCheck(Shenzhen, Period);

        Assert.Equal(1, check.Check(Dataset.Persons, Packed(Person())));
        Assert.Equal(2, check.Check(Dataset.Certificates, Packed(Certificate("4403031026000001", "440303"), Certificate("4403041026000002", "440304", issued: "2026-10-31"))));
    }

    [Fact]
    public void Check_CertificateIssuedInAnotherCitysCounty_IsRefusedForJurisdiction_WithTheNumberMasked()
    {
        // The forgery of issue 20: a Guangzhou (黄埔区 440112) number filed in Shenzhen's store.
        var refused = Refused(Dataset.Certificates, Certificate("4401129999000001", "440112"));

        Assert.Equal((RecordRefusedException.Jurisdiction, "certificates", "issuing_division"), (refused.Kind, refused.Dataset, refused.Field));
        Assert.Equal("440***********01", refused.MaskedKey);
        Assert.Contains("is 440112, outside the jurisdiction of city-440300 (440300)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4401129999000001", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Man, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HandlingDivisionOutsideTheChild_IsRefusedForJurisdiction()
    {
        var refused = Refused(Dataset.Persons, Person(handling: "440106"));

        Assert.Equal((RecordRefusedException.Jurisdiction, "handling_division"), (refused.Kind, refused.Field));
        Assert.Equal(CitizenId.Mask(Man), refused.MaskedKey);
    }

    [Fact]
    public void Check_RecordFailingImportValidation_IsRefusedWithImportsReason()
    {
        var refused = Refused(Dataset.Persons, Person(sex: "2"));

        Assert.Equal((RecordRefusedException.Validation, "sex"), (refused.Kind, refused.Field));
        Assert.Contains("sex is 2 but the citizen ID says 1 (male)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RecordNotInTheFormImportStores_IsRefused()
    {
        // Import stores a citizen ID's check character upper-case; a sealed record always has it so.
        var woman = Enumerable.Range(2, 998).Select(n => Id("44030319491231" + n.ToString("D3", System.Globalization.CultureInfo.InvariantCulture))).First(id => id.EndsWith('X'));

        var refused = Refused(Dataset.Certificates, Certificate("4403031026000001", "440303", citizen: woman.ToLowerInvariant()));

        Assert.Equal((RecordRefusedException.Validation, "citizen_id"), (refused.Kind, refused.Field));
        Assert.Contains("not in the form import stores", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DateAfterThePeriod_IsRefused_EvenWhereImportAllowsTheFuture()
    {
        var issued = Refused(Dataset.Certificates, Certificate("4403031026000001", "440303", issued: "2026-11-01"));
        // A policy's planned end may be in the future at import, but not in a period as of an earlier date.
        var policy = Refused(Dataset.Policies, ["P1", Man, "SUBSIDY", "2026-01-01", "2026-12-31", "100.00", "440303", "1"]);

        Assert.Equal((RecordRefusedException.AfterPeriod, "issue_date"), (issued.Kind, issued.Field));
        Assert.Contains("is 2026-11-01, after the period 2026-10-31", issued.Message, StringComparison.Ordinal);
        Assert.Equal((RecordRefusedException.AfterPeriod, "end_date"), (policy.Kind, policy.Field));
    }

    [Fact]
    public void Check_OneBadRecordInABatch_RefusesTheBatch()
    {
        var batch = Packed(Certificate("4403031026000001", "440303"), Certificate("4401129999000001", "440112"));

        var refused = Assert.Throws<RecordRefusedException>(() => new ReceiptCheck(Shenzhen, Period).Check(Dataset.Certificates, batch));

        Assert.Equal("440***********01", refused.MaskedKey);
    }
}
