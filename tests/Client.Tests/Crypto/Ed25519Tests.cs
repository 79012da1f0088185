using System.Numerics;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class Ed25519Tests
{
    // RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3: secret key, public key, message, signature.
    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void GetPublicKey_Rfc8032Vector_MatchesPublicKey(string secretKey, string publicKey, string message, string signature)
    {
        _ = message;
        _ = signature;
        Assert.Equal(publicKey, Convert.ToHexStringLower(Ed25519.GetPublicKey(Convert.FromHexString(secretKey))));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Sign_Rfc8032Vector_MatchesSignature(string secretKey, string publicKey, string message, string signature)
    {
        _ = publicKey;
        var actual = Ed25519.Sign(Convert.FromHexString(secretKey), Convert.FromHexString(message));
        Assert.Equal(signature, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void SignWithKeyPair_Rfc8032Vector_MatchesSignature(string secretKey, string publicKey, string message, string signature)
    {
        var actual = Ed25519.Sign(new Ed25519KeyPair(Convert.FromHexString(secretKey), Convert.FromHexString(publicKey)), Convert.FromHexString(message));
        Assert.Equal(signature, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Verify_Rfc8032Vector_ReturnsTrue(string secretKey, string publicKey, string message, string signature)
    {
        _ = secretKey;
        Assert.True(Ed25519.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)));
    }

    [Fact]
    public void Verify_TamperedMessage_ReturnsFalse()
    {
        var keys = Ed25519.GenerateKeyPair();
        var message = "xchat-auth-v1"u8.ToArray();
        var signature = Ed25519.Sign(keys.PrivateKey, message);
        message[0] ^= 1;

        Assert.False(Ed25519.Verify(keys.PublicKey, message, signature), "a changed message must not verify");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(63)]
    public void Verify_TamperedSignature_ReturnsFalse(int index)
    {
        var keys = Ed25519.GenerateKeyPair();
        var message = "hello"u8.ToArray();
        var signature = Ed25519.Sign(keys.PrivateKey, message);
        signature[index] ^= 0x40;

        Assert.False(Ed25519.Verify(keys.PublicKey, message, signature), "a changed signature must not verify");
    }

    [Fact]
    public void Verify_OtherPublicKey_ReturnsFalse()
    {
        var signer = Ed25519.GenerateKeyPair();
        var other = Ed25519.GenerateKeyPair();
        var signature = Ed25519.Sign(signer.PrivateKey, "m"u8);

        Assert.False(Ed25519.Verify(other.PublicKey, "m"u8, signature), "a signature verifies only under its signer's key");
    }

    [Fact]
    public void Verify_NonCanonicalS_ReturnsFalse()
    {
        // S + L still satisfies the verification equation, but RFC 8032 §5.1.7 requires S < L.
        var order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");
        var keys = Ed25519.GenerateKeyPair();
        var signature = Ed25519.Sign(keys.PrivateKey, "m"u8);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true) + order;
        Assert.True(s.TryWriteBytes(signature.AsSpan(32), out _, isUnsigned: true));

        Assert.False(Ed25519.Verify(keys.PublicKey, "m"u8, signature));
    }

    // Public keys of small order (y = 1, p - 1, 0 and the two order-8 points, with either sign bit) and
    // non-canonical encodings of small-order points (y = p + 1, y = p), paired with R = (0, 1), S = 0,
    // which the bare equation [S]B = R + [k]A accepts under the neutral element for any message.
    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")]
    [InlineData("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85")]
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")]
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa")]
    public void Verify_SmallOrderOrNonCanonicalPublicKey_ReturnsFalse(string publicKey)
    {
        var signature = new byte[Ed25519.SignatureSize];
        signature[0] = 0x01;

        Assert.False(Ed25519.Verify(Convert.FromHexString(publicKey), "any message"u8, signature));
    }

    [Fact]
    public void Verify_TruncatedSignature_ReturnsFalse()
    {
        var keys = Ed25519.GenerateKeyPair();
        var signature = Ed25519.Sign(keys.PrivateKey, "m"u8);

        Assert.False(Ed25519.Verify(keys.PublicKey, "m"u8, signature.AsSpan(0, 63)), "a short signature is a failed verification, not an exception");
    }

    [Fact]
    public void Verify_WrongLengthPublicKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Ed25519.Verify(new byte[31], "m"u8, new byte[64]));
    }

    [Fact]
    public void Sign_WrongLengthPrivateKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => Ed25519.Sign(new byte[64], "m"u8));
    }

    [Fact]
    public void GenerateKeyPair_SignThenVerify_RoundTrips()
    {
        var keys = Ed25519.GenerateKeyPair();
        var signature = Ed25519.Sign(keys.PrivateKey, "round trip"u8);

        Assert.Equal(Ed25519.SignatureSize, signature.Length);
        Assert.True(Ed25519.Verify(keys.PublicKey, "round trip"u8, signature));
        Assert.NotEqual(keys.PublicKey, Ed25519.GenerateKeyPair().PublicKey);
    }
}
