using System.Text;
using Federation.Node.Ingest;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Sqlite;
using Federation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Federation.Node.Tests.Ingest;

public sealed class ImporterTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 20);
    private const string PersonsHeader = "citizen_id,name,sex,birth_date,household_division,household_nature,handling_division,valid";
    private const string EmploymentHeader = "registration_id,citizen_id,form,employer_credit_code,start_date,end_date,handling_division,valid";
    private const string UnemploymentHeader = "registration_id,citizen_id,category,register_date,cancel_date,cancel_reason,handling_division,valid";
    private const string CertificatesHeader = "certificate_number,citizen_id,issue_date,issuing_division,cancel_date,handling_division,valid";

    // Valid IDs: a woman born 1949-12-31 and a man born 1990-01-01.
    private const string Woman = "11010519491231002X";
    private static readonly string Man = Id("44010619900101001");

    private readonly TempDirectory _directory = new();
    private readonly SqliteStore _store;

    public ImporterTests() => _store = SqliteStore.Open(new StoreOptions { Path = _directory.File("node.db") });

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    private static string Id(string first17) => first17 + CitizenId.CheckCharacter(first17);

    private string Write(string name, params string[] lines)
    {
        var path = _directory.File(name);
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }

    private ImportResult Import(params string[] paths) => Import(null, paths);

    private ImportResult Import(ExportEncoding? encoding, params string[] paths)
    {
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, Today);
        return new Importer(_store.Staging, validator, NullLogger.Instance, encoding).ImportAsync(Importer.Plan(paths), _directory.File("rejects.csv"), null, CancellationToken.None).GetAwaiter().GetResult();
    }

    private string[] RejectLines() => File.ReadAllLines(_directory.File("rejects.csv")).Skip(1).ToArray();

    [Fact]
    public void Import_DefectiveRows_AreRejectedWithFileLineFieldReason_GoodRowsStaged()
    {
        // Arrange
        var persons = Write("persons.csv", PersonsHeader,
            $"{Woman},张三,2,1949-12-31,110105,2,440106,1",
            $"{Man},李四,2,1990-01-01,440106,1,440106,1",                // sex disagrees with the ID
            "110105194912310021,王五,2,1949-12-31,110105,2,440106,1",     // bad checksum
            $"{Id("44010619900101003")},赵六,1,1990-01-01,440106,1,440306,1", // outside the jurisdiction
            $"{Id("44010619900101005")},钱七,1,1990-01-01,440106,1,440106,maybe");
        var employment = Write("employment.csv", EmploymentHeader,
            $"E1,{Woman},unit,91110000600037341L,2026-10-10,,440106,1",
            $"E2,{Woman},unit,91110000600037341M,2026-10-10,,440106,1",   // credit code checksum
            $"E3,{Woman},contract,,2026-10-10,,440106,1",                  // form not in the code table
            $"E4,{Woman},flexible,,2026-10-10,2026-09-01,440106,1",        // dates out of order
            $"E5,{Woman},flexible,,2027-01-01,,440106,1",                  // in the future
            $"E6,{Man},flexible,,2026-10-10,,440106,1");                   // the person was rejected

        // Act
        var result = Import(persons, employment);

        // Assert
        Assert.Equal((5, 1, 4), (result.Datasets["persons"].Read, result.Datasets["persons"].Accepted, result.Datasets["persons"].Rejected));
        Assert.Equal((6, 1, 5), (result.Datasets["employment"].Read, result.Datasets["employment"].Accepted, result.Datasets["employment"].Rejected));
        var rejects = RejectLines();
        Assert.Contains("persons.csv,3,persons,440*************", rejects[0], StringComparison.Ordinal);
        Assert.Contains(rejects, l => l.StartsWith("persons.csv,3,", StringComparison.Ordinal) && l.Contains(",sex,is 2 but the citizen ID says 1 (male)", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("persons.csv,4,", StringComparison.Ordinal) && l.Contains("check character is 1, the checksum gives X", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("persons.csv,5,", StringComparison.Ordinal) && l.Contains("outside this node's jurisdiction 440100", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("persons.csv,6,", StringComparison.Ordinal) && l.Contains(",valid,is 'maybe'", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("employment.csv,3,employment,E2,employer_credit_code,", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("employment.csv,4,employment,E3,form,", StringComparison.Ordinal) && l.Contains("is 'contract'; allowed: unit, self, flexible", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("employment.csv,5,employment,E4,end_date,", StringComparison.Ordinal) && l.Contains("is 2026-09-01, before start_date 2026-10-10", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("employment.csv,6,employment,E5,start_date,", StringComparison.Ordinal) && l.Contains("in the future", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.StartsWith("employment.csv,7,employment,E6,citizen_id,names no person", StringComparison.Ordinal));
        Assert.Equal([Woman], _store.ReadStaged(Dataset.Persons).Select(p => p[0]));
        Assert.Equal(["E1"], _store.ReadStaged(Dataset.Employment).Select(e => e[0]));
    }

    [Fact]
    public void Import_SameFilesAgain_ChangesNothing_LaterExportUpdatesByKey()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1");
        var first = Import(persons);
        var again = Import(persons);
        Assert.Equal((1, 1), (first.Changed, first.Accepted));
        Assert.Equal((0, 1), (again.Changed, again.Accepted));

        Write("persons.csv", PersonsHeader, $"{Woman},张三丰,2,1949-12-31,110105,2,440106,1");
        var later = Import(persons);
        Assert.Equal(1, later.Changed);
        Assert.Equal("张三丰", _store.ReadStaged(Dataset.Persons).Single()[1]);
    }

    [Fact]
    public async Task Import_CancelledMidway_LeavesTheStoreAsItWas()
    {
        Import(Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1"));
        var lines = new List<string> { PersonsHeader };
        for (var i = 0; i < 3000; i++)
        {
            lines.Add($"{Id($"4401061990010{i:D4}")},某人,{(i % 2 == 1 ? 1 : 2)},1990-01-01,440106,1,440106,1");
        }
        var big = Write("persons-big.csv", [.. lines]);
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.RowsRead >= 1024)
            {
                cts.Cancel();
            }
        });
        var validator = new RecordValidator(DivisionTable.Default.JurisdictionOf("440100"), DivisionTable.Default, Today);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new Importer(_store.Staging, validator, NullLogger.Instance).ImportAsync(Importer.Plan([big]), _directory.File("r2.csv"), progress, cts.Token));

        Assert.Equal([Woman], _store.ReadStaged(Dataset.Persons).Select(p => p[0]));
    }

    [Fact]
    public void Certificates_SecondValidCertificateForAPerson_IsRejected()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1");
        var certificates = Write("certificates.csv", CertificatesHeader,
            $"4401061015000001,{Woman},2015-03-01,440106,,440106,1",
            $"4401061016000002,{Woman},2016-03-01,440106,,440106,1",
            $"GZ2009A00123,{Woman},2009-01-01,440106,2014-12-31,440106,1");

        var result = Import(persons, certificates);

        Assert.Equal(2, result.Datasets["certificates"].Accepted);
        Assert.Contains(RejectLines(), l => l.Contains($"already holds valid certificate {CitizenId.Mask("4401061015000001")}", StringComparison.Ordinal));
    }

    // Issue 20 item 6: the rejects report masks certificate numbers as docs/security.md says — in
    // the key column and in the reasons — as it does citizen IDs.
    [Fact]
    public void Rejects_CertificateNumbers_AreMaskedInKeyAndReason()
    {
        // Arrange
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1");
        var certificates = Write("certificates.csv", CertificatesHeader,
            $"4401061015000001,{Woman},2015-03-01,440106,,440106,1",
            $"4401061016000002,{Woman},2016-03-01,440106,,440106,1",
            $"4401061017000003,{Woman},2017-03-01,440199,,440106,1");

        // Act
        Import(persons, certificates);

        // Assert
        var text = File.ReadAllText(_directory.File("rejects.csv"));
        Assert.Contains($"certificates.csv,3,certificates,{CitizenId.Mask("4401061016000002")},certificate_number,", text, StringComparison.Ordinal);
        Assert.Contains($"certificates.csv,4,certificates,{CitizenId.Mask("4401061017000003")},", text, StringComparison.Ordinal);
        foreach (var number in new[] { "4401061015000001", "4401061016000002", "4401061017000003", Woman })
        {
            Assert.DoesNotContain(number, text, StringComparison.Ordinal);
        }
    }

    // Issue 11 item 7: division codes against the table, retired ones by the record's date; and a
    // canonical number's first six digits are its issuer.
    [Fact]
    public void Divisions_RetiredCodeByDate_UnknownHousehold_AndIssuerMismatch_AreJudgedExactly()
    {
        var persons = Write("persons.csv", PersonsHeader,
            $"{Woman},张三,2,1949-12-31,440183,2,440106,1",          // household still on the retired 增城市: accepted
            $"{Man},李四,1,1990-01-01,999999,1,440106,1");             // no such division
        var certificates = Write("certificates.csv", CertificatesHeader,
            $"4401831012000001,{Woman},2012-03-01,440183,2013-12-31,440106,1", // issued by 增城市 while it existed
            $"4401831020000002,{Woman},2020-03-01,440183,,440106,1",           // issued after it was retired
            $"4401061016000003,{Woman},2016-03-01,440105,,440106,1");          // the number names 440106

        var result = Import(persons, certificates);

        Assert.Equal((1, 1), (result.Datasets["persons"].Accepted, result.Datasets["persons"].Rejected));
        Assert.Equal((1, 2), (result.Datasets["certificates"].Accepted, result.Datasets["certificates"].Rejected));
        Assert.Equal([
            $"persons.csv,3,persons,{CitizenId.Mask(Man)},household_division,\"is '999999', not a GB/T 2260 division code\"",
            $"certificates.csv,3,certificates,{CitizenId.Mask("4401831020000002")},issuing_division,\"is 440183 (增城市), a retired GB/T 2260 code: no table lists it from 2015-09-30, and the record is dated 2020-03-01; use the code of the division that took it over\"",
            $"certificates.csv,4,certificates,{CitizenId.Mask("4401061016000003")},issuing_division,\"is 440105, but the certificate number's first six digits name the issuer 440106\"",
        ], RejectLines());
        Assert.Equal(["4401831012000001"], _store.ReadStaged(Dataset.Certificates).Select(r => r[0]));
    }

    // Issue 20: a certificate is held by the node that covers its issuing county, where
    // verification routes its number; one filed in another city is refused at import as it is at a parent.
    [Fact]
    public void Import_CertificateIssuedInAnotherCity_IsRejectedForJurisdiction()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1");
        var certificates = Write("certificates.csv", CertificatesHeader,
            $"4401061016000003,{Woman},2016-03-01,440106,2017-03-01,440106,1",
            $"4403031016000004,{Woman},2016-03-01,440303,,440106,1");          // issued by Shenzhen's 罗湖区

        var result = Import(persons, certificates);

        Assert.Equal((1, 1), (result.Datasets["certificates"].Accepted, result.Datasets["certificates"].Rejected));
        Assert.Equal(["certificates.csv,3,certificates,440***********04,issuing_division,\"is 440303, outside this node's jurisdiction 440100\""], RejectLines());
    }

    // Issue 11 item 10: production systems' words for exit reasons are stored as the standard
    // code; reasons R-17 forbids, and domestic moves, are refused with why.
    [Fact]
    public void ExitReasons_ProductionWords_AreMapped_AndForbiddenReasonsRefused()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1", $"{Man},李四,1,1990-01-01,440106,1,440106,1");
        var unemployment = Write("unemployment.csv", UnemploymentHeader,
            $"U1,{Man},other,2019-01-01,2019-06-30,退休,440106,1",
            $"U2,{Man},other,2019-07-01,2019-12-31,自谋职业,440106,1",
            $"U3,{Man},other,2020-01-01,2020-06-30,连续3次拒绝接受公共就业服务,440106,1",
            $"U4,{Man},other,2020-07-01,2020-12-31,unreachable,440106,1",
            $"U5,{Man},other,2021-01-01,2021-06-30,迁出,440106,1",
            $"U6,{Man},other,2021-07-01,2021-12-31,other,440106,1",
            $"U7,{Man},other,2022-01-01,2022-06-30,Emigrated,440106,1");
        var assistance = Write("assistance.csv", "recognition_id,citizen_id,difficulty_type,recognized_date,exit_date,exit_reason,handling_division,valid",
            $"A1,{Woman},4050,2020-01-01,2020-06-30,死亡,440106,1",
            $"A2,{Man},4050,2020-01-01,2020-06-30,迁出,440106,1",
            $"A3,{Man},4050,2021-01-01,2021-06-30,灵活就业,440106,1",
            $"A4,{Man},4050,2022-01-01,2022-06-30,被开除,440106,1");

        Import(persons, unemployment, assistance);

        Assert.Equal([["U1", "pension"], ["U2", "self_employed"], ["U7", "emigration"]], _store.ReadStaged(Dataset.Unemployment).Select(r => new[] { r[0], r[5] }));
        Assert.Equal([["A1", "deceased"], ["A2", "moved_away"], ["A3", "flexible"]], _store.ReadStaged(Dataset.Assistance).Select(r => new[] { r[0], r[5] }));
        var reasons = RejectLines().Select(l => ExportReader.SplitCsv(l, "rejects.csv", 0)).Select(f => $"{f[3]}: {f[5]}").ToArray();
        const string Allowed = "allowed: pension, employed, self_employed, school, military, emigration, incapacity";
        Assert.Equal([
            $"U3: is '连续3次拒绝接受公共就业服务': refusing public employment services 3 times is not a reason to cancel a registration (R-17); {Allowed}",
            $"U4: is 'unreachable': being unreachable for 6 months is not a reason to cancel a registration (R-17); {Allowed}",
            $"U5: is '迁出': moving within China does not end an unemployment registration: it is registered where the person now lives (R-17; 移居境外 is emigration); {Allowed}",
            $"U6: is 'other': a registration is cancelled only for a listed reason (R-17), never 'other'; {Allowed}",
            "A4: is '被开除'; allowed: unit, self, flexible, pension, moved_away, deceased, no_longer_eligible, other (or a production system's word for one, listed in docs/data.md)",
        ], reasons);
    }

    [Fact]
    public void Unemployment_BeginningWhileEmploymentOpen_IsRejected()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Man},李四,1,1990-01-01,440106,1,440106,1");
        var employment = Write("employment.csv", EmploymentHeader,
            $"E1,{Man},unit,91110000600037341L,2026-01-10,2026-05-31,440106,1",
            $"E2,{Man},flexible,,2026-09-01,,440106,1");
        var unemployment = Write("unemployment.csv", UnemploymentHeader,
            $"U1,{Man},employment_to_unemployment,2026-06-10,2026-08-31,employed,440106,1",
            $"U2,{Man},employment_to_unemployment,2026-10-01,,,440106,1",
            $"U3,{Man},other,2026-03-01,,,440106,1");

        var result = Import(persons, employment, unemployment);

        Assert.Equal((1, 2), (result.Datasets["unemployment"].Accepted, result.Datasets["unemployment"].Rejected));
        Assert.Contains(RejectLines(), l => l.StartsWith("unemployment.csv,3,unemployment,U2,register_date,", StringComparison.Ordinal) && l.Contains("E2 is still open", StringComparison.Ordinal));
        Assert.Contains(RejectLines(), l => l.StartsWith("unemployment.csv,4,unemployment,U3,register_date,", StringComparison.Ordinal) && l.Contains("E1 is still open", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_InGb18030_WithJinbaoColumnNames_IsReadWhenTheRunSaysGb18030()
    {
        var path = _directory.File("persons.csv");
        var gb18030 = CodePagesEncoding();
        File.WriteAllText(path, $"AAC002,AAC003,AAC004,birth_date,AAB301,household_nature,handling_division,AAE100\n{Woman},张三,2,1949-12-31,110105,2,440106,1\n", gb18030);

        var result = Import(ExportEncoding.Parse("GBK"), path);

        Assert.Equal(1, result.Accepted);
        Assert.Equal("张三", _store.ReadStaged(Dataset.Persons).Single()[1]);
    }

    // Issue 11 item 1: the encoding is the operator's choice, never guessed; a file not valid in
    // it is refused before anything is staged, naming the line and the byte offset.
    [Fact]
    public void Csv_NotValidUtf8_IsRefusedNamingLineAndByteOffset_StoreUnchanged()
    {
        var earlier = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,1");
        Assert.Equal(1, Import(earlier).Accepted);
        var path = _directory.File("persons-gb.csv");
        var header = Encoding.UTF8.GetBytes(PersonsHeader + "\n" + $"{Woman},张三,2,1949-12-31,110105,2,440106,1\n");
        var row = CodePagesEncoding().GetBytes($"{Man},李四,1,1990-01-01,440106,1,440106,1\n");
        File.WriteAllBytes(path, [.. header, .. row]);
        var offset = header.Length + Man.Length + 1; // the first byte of 李四 in GB18030

        var error = Assert.Throws<ImportException>(() => Import(path));

        Assert.StartsWith($"persons-gb.csv line 3, byte offset {offset}: the bytes are not valid UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains("--encoding gb18030", error.Message, StringComparison.Ordinal);
        Assert.Equal(["张三"], _store.ReadStaged(Dataset.Persons).Select(r => r[1]));
    }

    [Fact]
    public void Csv_NotValidGb18030_IsRefused_WhenTheRunSaysGb18030()
    {
        var path = _directory.File("persons.csv");
        // 0x81 0x20: a GB18030 lead byte followed by a byte no sequence allows.
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(PersonsHeader + "\n"), 0x81, 0x20, (byte)'\n']);

        var error = Assert.Throws<ImportException>(() => Import(ExportEncoding.Gb18030, path));

        Assert.StartsWith($"persons.csv line 2, byte offset {PersonsHeader.Length + 1}: the bytes are not valid GB18030", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE }, "utf-8", "UTF-16 or UTF-32 byte order mark")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, "gb18030", "UTF-8 byte order mark, but this import reads GB18030")]
    public void Csv_ByteOrderMarkOfAnotherEncoding_IsRefused(byte[] mark, string encoding, string expected)
    {
        var path = _directory.File("persons.csv");
        File.WriteAllBytes(path, [.. mark, .. Encoding.ASCII.GetBytes(PersonsHeader + "\n")]);

        var error = Assert.Throws<ImportException>(() => Import(ExportEncoding.Parse(encoding), path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_Utf8ByteOrderMark_IsSkipped_AndAFileCutInACharacter_IsRefused()
    {
        var path = _directory.File("persons.csv");
        var text = Encoding.UTF8.GetBytes(PersonsHeader + "\n" + $"{Woman},张三,2,1949-12-31,110105,2,440106,1\n");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. text]);
        Assert.Equal(1, Import(path).Accepted);

        File.WriteAllBytes(path, [.. text, 0xE5, 0xBC]); // the first two bytes of 张

        Assert.Contains("ends in the middle of a UTF-8 character", Assert.Throws<ImportException>(() => Import(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_Unknown_IsRefusedWithTheAcceptedNames() =>
        Assert.Equal("Unknown encoding 'latin1': use utf-8 or gb18030 (GBK and GB 2312 exports are read as gb18030, their superset).",
            Assert.Throws<ImportException>(() => ExportEncoding.Parse("latin1")).Message);

    [Fact]
    public void JsonLines_MalformedLine_IsRejectedNotFatal()
    {
        var persons = Write("persons.jsonl",
            $$"""{"citizen_id":"{{Woman}}","name":"张三","sex":"2","birth_date":"1949-12-31","household_division":"110105","household_nature":"2","handling_division":"440106","valid":true}""",
            "{ not json",
            "[1,2]");
        var result = Import(persons);
        Assert.Equal((1, 2), (result.Accepted, result.Rejected));
        Assert.Contains(RejectLines(), l => l.StartsWith("persons.jsonl,2,", StringComparison.Ordinal) && l.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_UnknownFileName_SaysHowToName()
    {
        var path = Write("people.csv", PersonsHeader);
        Assert.Contains("must start with one of persons", Assert.Throws<ImportException>(() => Importer.Plan([path])).Message, StringComparison.Ordinal);
    }

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    // Issue 11, items 2, 3, 5: strict input.

    [Theory]
    [InlineData("", "persons.csv is empty: a CSV export needs a header row naming its columns")]
    [InlineData(PersonsHeader + ",name", "persons.csv line 1: column 'name' appears twice")]
    [InlineData(PersonsHeader + ",nickname", "persons.csv line 1: column 'nickname' is not a column of persons")]
    public void Import_AFileThatCannotBeRead_IsRefusedWhole_NamingFileLineAndColumn(string header, string message)
    {
        var persons = header.Length == 0 ? Write("persons.csv") : Write("persons.csv", header, $"{Woman},张三,2,1949-12-31,110105,2,440106,1,x");
        var refused = Assert.Throws<ImportException>(() => Import(persons));
        Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
        Assert.Null(_store.Holders.FindStagedHolder(Woman));
    }

    [Fact]
    public void Import_ControlCharactersAndOverlongLines_AreRejectedRowByRow_WithoutBufferingTheLine()
    {
        var persons = Write("persons.csv", PersonsHeader,
            $"{Woman},张\u0000三,2,1949-12-31,110105,2,440106,1",
            $"{Man},李四,1,1990-01-01,440106,1,440106,1" + new string(' ', ExportReader.MaxLineLength));
        var result = Import(persons);
        Assert.Equal((0L, 2L), (result.Accepted, result.Rejected));
        var rejects = RejectLines();
        Assert.Contains(rejects, r => r.StartsWith("persons.csv,2,", StringComparison.Ordinal) && r.Contains("field name contains the control character U+0000", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.StartsWith("persons.csv,3,", StringComparison.Ordinal) && r.Contains($"is longer than {ExportReader.MaxLineLength} characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_JsonLines_ObjectsOrNumbersWhereAStringBelongs_AreRejected()
    {
        var persons = Write("persons.jsonl",
            $$"""{"citizen_id":"{{Woman}}","name":{"first":"三"},"sex":"2","birth_date":"1949-12-31","household_division":"110105","household_nature":"2","handling_division":"440106","valid":1}""",
            $$"""{"citizen_id":"{{Man}}","name":"李四","sex":1,"birth_date":"1990-01-01","household_division":"440106","household_nature":"1","handling_division":"440106","valid":true}""",
            $$"""{"citizen_id":"{{Man}}","name":"李四","sex":"1","birth_date":"1990-01-01","household_division":"440106","household_nature":"1","handling_division":"440106","valid":true,"extra":"x"}""");
        var result = Import(persons);
        Assert.Equal((0L, 3L), (result.Accepted, result.Rejected));
        var rejects = RejectLines();
        Assert.Contains(rejects, r => r.Contains("field name is a JSON object; it must be a string", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Contains("field sex is a JSON number; it must be a string", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Contains("has field extra, which is not a field of persons", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_ARegistrationOfAPersonMarkedInvalid_SaysSo()
    {
        var persons = Write("persons.csv", PersonsHeader, $"{Woman},张三,2,1949-12-31,110105,2,440106,0");
        var unemployment = Write("unemployment.csv", UnemploymentHeader, $"U1,{Woman},new_entrant,2026-10-08,,,440106,1");
        Import(persons, unemployment);
        var reject = Assert.Single(RejectLines(), r => r.StartsWith("unemployment.csv", StringComparison.Ordinal));
        Assert.Contains("whose basic information is marked invalid (valid=0)", reject, StringComparison.Ordinal);
        Assert.DoesNotContain("import the person's basic information first", reject, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OfADirectory_ListsTheFilesThatNameNoDataset()
    {
        var export = Directory.CreateDirectory(_directory.File("export")).FullName;
        File.WriteAllText(Path.Combine(export, "persons.csv"), PersonsHeader + "\n");
        File.WriteAllText(Path.Combine(export, "people.csv"), PersonsHeader + "\n");
        File.WriteAllText(Path.Combine(export, "README.txt"), "notes");

        var plan = Importer.Plan([export], out var skipped);

        Assert.Equal(["persons.csv"], plan.Select(p => Path.GetFileName(p.Path)));
        Assert.Equal(["README.txt", "people.csv"], skipped.Select(Path.GetFileName));
    }

    [Fact]
    public void Import_AQuotedLineBreak_IsOneRejectAtItsFirstLine_AndAnUnclosedQuoteSwallowsNoGoodRow()
    {
        var persons = Write("persons.csv", PersonsHeader,
            $"{Woman},\"张",                                        // line 2: a quoted name with a line break…
            "三\",2,1949-12-31,110105,2,440106,1",                 // line 3: …closed here
            $"{Man},\"李四,1,1990-01-01,440106,1,440106,1",        // line 4: a quote never closed
            $"{Id("44010619900101003")},王五,1,1990-01-01,440106,1,440106,1"); // line 5: a good row
        var result = Import(persons);

        Assert.Equal((1L, 2L), (result.Accepted, result.Rejected));
        var rejects = RejectLines();
        Assert.Equal(2, rejects.Length);
        Assert.StartsWith("persons.csv,2,", rejects[0], StringComparison.Ordinal);
        Assert.Contains("tab or line break", rejects[0], StringComparison.Ordinal);
        Assert.StartsWith("persons.csv,4,", rejects[1], StringComparison.Ordinal);
        Assert.Contains("a quoted field is not closed", rejects[1], StringComparison.Ordinal);
        Assert.NotNull(_store.Holders.FindStagedHolder(Id("44010619900101003")));
    }
}
