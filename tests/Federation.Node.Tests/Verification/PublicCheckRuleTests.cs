using Federation.Node.Verification;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Google.Protobuf;
using Xunit;

namespace Federation.Node.Tests.Verification;

/// <summary>
/// The public check does the same work whether a number is held or not (issue 20 item 4): the
/// same store calls in the same order, and the same answer bytes for a wrong name and for a
/// number no one holds. (How long it takes is measured by bench/publiccheck, not here.)
/// </summary>
public sealed class PublicCheckRuleTests
{
    private const string Held = "4401061015000001";
    private const string Missing = "4401061015999999";
    private const string Citizen = "110105194912310021";
    private static readonly DateOnly Today = new(2026, 12, 7);

    private readonly PublicCheckRule _rule = new();
    private readonly List<string> _calls = [];

    private (bool Genuine, bool Held, bool Cached) Check(string number, string name, string cancelDate = "")
    {
        var records = new HolderRecords(Citizen, new Dictionary<Dataset, List<OriginRecord>>
        {
            [Dataset.Persons] = [new("city-440100", [Citizen, "张三", "2", "1949-12-31", "110105", "2", "440106", "1"])],
            [Dataset.Certificates] = [new("city-440100", [Held, Citizen, "2015-03-01", "440106", cancelDate, "440106", "1"])],
        }, null);
        Assert.True(CertificateNumber.TryParse(number, out var parsed, out _));
        return _rule.Check(
            n =>
            {
                _calls.Add("certificate " + (n == number ? "asked" : "other"));
                return n == Held ? Citizen : null;
            },
            c =>
            {
                _calls.Add("holder");
                return c == Citizen ? records : null;
            },
            parsed, name, Today);
    }

    [Fact]
    public void Check_WrongNameAndUnknownNumber_SameStoreCallsAndSameAnswerBytes()
    {
        // Act
        var wrongName = Check(Held, "李四");
        var wrongNameCalls = _calls.ToList();
        _calls.Clear();
        var unknown = Check(Missing, "李四");

        // Assert
        Assert.Equal(["certificate asked", "holder"], wrongNameCalls);
        Assert.Equal(wrongNameCalls, _calls);
        Assert.False(wrongName.Genuine);
        Assert.False(unknown.Genuine);
        Assert.Equal(PublicCheckRule.Response(wrongName.Genuine, wrongName.Cached).ToByteArray(),
            PublicCheckRule.Response(unknown.Genuine, unknown.Cached).ToByteArray());
        Assert.Empty(PublicCheckRule.Response(false, true).ToByteArray()); // a "no" carries nothing, not even freshness
    }

    [Fact]
    public void Check_RightNameInForce_IsGenuine_CancelledOrOtherNameIsNot()
    {
        Assert.True(Check(Held, "张三").Genuine);
        Assert.False(Check(Held, "张三", cancelDate: "2020-01-01").Genuine);
        Assert.False(Check(Held, "张三 ").Genuine);
        Assert.False(Check(Missing, "张三").Genuine);
        Assert.Equal(Freshness.Live, PublicCheckRule.Response(true, false).Freshness);
    }
}
