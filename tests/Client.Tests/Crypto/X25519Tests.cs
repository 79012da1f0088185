using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class X25519Tests
{
    // RFC 7748 §6.1: Alice's and Bob's key pairs and their shared secret.
    private const string AlicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string Shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    [Theory]
    [InlineData(AlicePrivate, AlicePublic)]
    [InlineData(BobPrivate, BobPublic)]
    public void GetPublicKey_Rfc7748Vector_MatchesPublicKey(string privateKey, string publicKey)
    {
        Assert.Equal(publicKey, Convert.ToHexStringLower(X25519.GetPublicKey(Convert.FromHexString(privateKey))));
    }

    [Theory]
    [InlineData(AlicePrivate, BobPublic)]
    [InlineData(BobPrivate, AlicePublic)]
    public void TryAgree_Rfc7748Vector_MatchesSharedSecret(string privateKey, string peerPublicKey)
    {
        Assert.True(X25519.TryAgree(Convert.FromHexString(privateKey), Convert.FromHexString(peerPublicKey), out var secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
    }

    // Points of small order on Curve25519 or its twist (u = 0, u = 1, a point of order 8, and the
    // non-canonical encodings p - 1, p and p + 1 of the same points): X25519 with any scalar maps them to
    // zero, which RFC 7748 §6.1 says the protocol must detect and reject.
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    public void TryAgree_LowOrderPoint_ReturnsFalse(string lowOrderPoint)
    {
        var keys = X25519.GenerateKeyPair();

        Assert.False(X25519.TryAgree(keys.PrivateKey, Convert.FromHexString(lowOrderPoint), out var secret), "an all-zero shared secret must be rejected");
        Assert.Empty(secret);
    }

    [Fact]
    public void GenerateKeyPair_BothSides_AgreeOnSecret()
    {
        var a = X25519.GenerateKeyPair();
        var b = X25519.GenerateKeyPair();

        Assert.True(X25519.TryAgree(a.PrivateKey, b.PublicKey, out var ab));
        Assert.True(X25519.TryAgree(b.PrivateKey, a.PublicKey, out var ba));
        Assert.Equal(ab, ba);
    }

    [Fact]
    public void GetPublicKey_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => X25519.GetPublicKey(new byte[16]));
    }
}
