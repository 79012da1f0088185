using System.Text;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class HmacSha256Tests
{
    // RFC 4231 §4.2, §4.3, §4.4, §4.5, §4.7 and §4.8 (test cases 1, 2, 3, 4, 6, 7), HMAC-SHA-256:
    // key (hex), data (hex), MAC. Test case 5 is a truncated MAC, which this API does not offer.
    public static TheoryData<string, string, string, string> Rfc4231Vectors => new()
    {
        { "1", Repeat("0b", 20), Hex("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { "2", Hex("Jefe"), Hex("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { "3", Repeat("aa", 20), Repeat("dd", 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
        { "4", "0102030405060708090a0b0c0d0e0f10111213141516171819", Repeat("cd", 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
        { "6", Repeat("aa", 131), Hex("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        {
            "7",
            Repeat("aa", 131),
            Hex("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc4231Vectors))]
    public void Compute_Rfc4231Vector_MatchesMac(string testCase, string key, string data, string mac)
    {
        var actual = HmacSha256.Compute(Convert.FromHexString(key), Convert.FromHexString(data));
        Assert.True(mac == Convert.ToHexStringLower(actual), $"RFC 4231 test case {testCase}");
    }

    [Theory]
    [MemberData(nameof(Rfc4231Vectors))]
    public void Verify_Rfc4231Vector_ReturnsTrue(string testCase, string key, string data, string mac)
    {
        Assert.True(HmacSha256.Verify(Convert.FromHexString(key), Convert.FromHexString(data), Convert.FromHexString(mac)), $"RFC 4231 test case {testCase}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(31)]
    public void Verify_TamperedMac_ReturnsFalse(int index)
    {
        var mac = HmacSha256.Compute("key"u8, "data"u8);
        mac[index] ^= 0x01;

        Assert.False(HmacSha256.Verify("key"u8, "data"u8, mac), "a changed MAC must not verify");
    }

    [Fact]
    public void Verify_TamperedData_ReturnsFalse()
    {
        var mac = HmacSha256.Compute("key"u8, "data"u8);

        Assert.False(HmacSha256.Verify("key"u8, "datb"u8, mac), "a MAC verifies only the data it was computed over");
        Assert.False(HmacSha256.Verify("kez"u8, "data"u8, mac), "a MAC verifies only under its own key");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(33)]
    public void Verify_WrongLengthMac_ReturnsFalse(int length)
    {
        var mac = new byte[length];
        HmacSha256.Compute("key"u8, "data"u8).AsSpan(0, Math.Min(length, 32)).CopyTo(mac);

        Assert.False(HmacSha256.Verify("key"u8, "data"u8, mac), "a MAC of the wrong length (even a correct prefix) is a failed verification, not an exception");
    }

    [Fact]
    public void Compute_WrongLengthDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => HmacSha256.Compute("key"u8, "data"u8, new byte[16]));
    }

    [Theory]
    [MemberData(nameof(Rfc4231Vectors))]
    public void PreparedKey_Rfc4231Vector_MatchesMacEveryTime(string testCase, string key, string data, string mac)
    {
        var prepared = new HmacSha256Key(Convert.FromHexString(key));
        var bytes = Convert.FromHexString(data);
        var first = new byte[32];
        var second = new byte[32];
        prepared.Compute(bytes, first);
        prepared.Compute(bytes, second);

        Assert.True(mac == Convert.ToHexStringLower(first), $"RFC 4231 test case {testCase}");
        Assert.True(mac == Convert.ToHexStringLower(second), $"RFC 4231 test case {testCase}, computed again: a prepared key must not change");
    }

    [Fact]
    public void PreparedKey_ThreeParts_SameAsTheirConcatenation()
    {
        var prepared = new HmacSha256Key("key"u8);
        var parts = new byte[32];
        prepared.Compute("abc"u8, "defghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz"u8, "!"u8, parts);

        Assert.Equal(HmacSha256.Compute("key"u8, "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz!"u8), parts);
    }

    private static string Hex(string ascii) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(ascii));

    private static string Repeat(string hexByte, int count) => string.Concat(Enumerable.Repeat(hexByte, count));
}
