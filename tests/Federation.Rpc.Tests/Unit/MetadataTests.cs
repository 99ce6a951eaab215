using Grpc.Core;
using Grpc.Core.Internal;
using Xunit;

namespace Federation.Rpc.Tests.Unit;

public class MetadataTests
{
    [Fact]
    public void Add_UpperCaseKey_IsLowerCased() => Assert.Equal("x-trace", new Metadata.Entry("X-Trace", "1").Key);

    [Theory]
    [InlineData("bad key")]
    [InlineData("bad:key")]
    [InlineData("")]
    public void Entry_InvalidKey_NamesTheProblem(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Metadata.Entry(key, "v"));
        Assert.Contains("key", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Entry_BinaryValueOnTextKey_IsRefused() => Assert.Throws<ArgumentException>(() => new Metadata.Entry("x-data", [1, 2]));

    [Fact]
    public void Entry_NonAsciiTextValue_IsRefused() => Assert.Throws<ArgumentException>(() => new Metadata.Entry("x-name", "张三"));

    [Theory]
    [InlineData("q6ur", new byte[] { 0xab, 0xab, 0xab })]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("AQ==", new byte[] { 1 })]
    public void BinaryHeader_PaddedOrNot_Decodes(string value, byte[] expected) => Assert.Equal(expected, Assert.Single(BinaryHeader.Decode(value)));

    [Fact]
    public void BinaryHeader_CommaJoinedValues_AreSplit()
    {
        var values = BinaryHeader.Decode("AQ, AgM").ToList();
        Assert.Equal([new byte[] { 1 }, new byte[] { 2, 3 }], values);
    }

    [Fact]
    public void BinaryHeader_Encode_IsUnpadded() => Assert.Equal("AQ", BinaryHeader.Encode([1]));
}
