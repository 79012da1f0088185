using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class HkdfSha256Tests
{
    // RFC 5869 Appendix A.1, A.2 and A.3 (the SHA-256 cases): IKM, salt, info, L, PRK, OKM.
    public static TheoryData<string, string, string, int, string, string> Rfc5869Vectors => new()
    {
        {
            Repeat("0b", 22),
            "000102030405060708090a0b0c",
            "f0f1f2f3f4f5f6f7f8f9",
            42,
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        },
        {
            Sequence(0x00, 0x4f),
            Sequence(0x60, 0xaf),
            Sequence(0xb0, 0xff),
            82,
            "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"
        },
        {
            Repeat("0b", 22),
            "",
            "",
            42,
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc5869Vectors))]
    public void Extract_Rfc5869Vector_MatchesPrk(string ikm, string salt, string info, int length, string prk, string okm)
    {
        _ = (info, length, okm);
        Assert.Equal(prk, Convert.ToHexStringLower(HkdfSha256.Extract(Convert.FromHexString(salt), Convert.FromHexString(ikm))));
    }

    [Theory]
    [MemberData(nameof(Rfc5869Vectors))]
    public void Expand_Rfc5869Vector_MatchesOkm(string ikm, string salt, string info, int length, string prk, string okm)
    {
        _ = (ikm, salt);
        Assert.Equal(okm, Convert.ToHexStringLower(HkdfSha256.Expand(Convert.FromHexString(prk), Convert.FromHexString(info), length)));
    }

    [Theory]
    [MemberData(nameof(Rfc5869Vectors))]
    public void DeriveKey_Rfc5869Vector_MatchesOkm(string ikm, string salt, string info, int length, string prk, string okm)
    {
        _ = prk;
        var actual = HkdfSha256.DeriveKey(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), length);
        Assert.Equal(okm, Convert.ToHexStringLower(actual));
    }

    [Fact]
    public void Expand_ShorterLength_IsPrefixOfLonger()
    {
        var prk = HkdfSha256.Extract("salt"u8, "ikm"u8);

        // RFC 5869 §2.3: OKM is the first L octets of T(1) | T(2) | ..., so outputs nest.
        Assert.Equal(HkdfSha256.Expand(prk, "info"u8, 100).AsSpan(0, 33).ToArray(), HkdfSha256.Expand(prk, "info"u8, 33));
    }

    [Fact]
    public void Expand_DifferentInfo_DiffersCompletely()
    {
        var prk = HkdfSha256.Extract("salt"u8, "ikm"u8);

        Assert.NotEqual(HkdfSha256.Expand(prk, "a"u8, 32), HkdfSha256.Expand(prk, "b"u8, 32));
    }

    [Fact]
    public void Expand_MaximumLength_Succeeds()
    {
        var prk = HkdfSha256.Extract([], "ikm"u8);

        Assert.Equal(255 * 32, HkdfSha256.Expand(prk, [], HkdfSha256.MaxOutputSize).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(255 * 32 + 1)]
    public void Expand_LengthOutOfRange_Throws(int length)
    {
        var prk = new byte[32];

        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfSha256.Expand(prk, [], length));
        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfSha256.DeriveKey("ikm"u8, [], [], length));
    }

    [Fact]
    public void Expand_ShortPseudorandomKey_Throws()
    {
        // RFC 5869 §2.3: PRK is "at least HashLen octets"; a shorter one is not the output of Extract.
        Assert.Throws<ArgumentException>(() => HkdfSha256.Expand(new byte[31], [], 32));
    }

    private static string Repeat(string hexByte, int count) => string.Concat(Enumerable.Repeat(hexByte, count));

    private static string Sequence(int first, int last) =>
        Convert.ToHexStringLower(Enumerable.Range(first, last - first + 1).Select(i => (byte)i).ToArray());
}
