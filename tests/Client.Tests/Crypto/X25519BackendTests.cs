using System.Security.Cryptography;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

/// <summary>
/// Both X25519 implementations (OpenSSL's libcrypto and BouncyCastle) against RFC 7748 §5.2 and §6.1,
/// the low-order points of §6.1, and each other.
/// </summary>
public sealed class X25519BackendTests
{
    public static TheoryData<string> Backends => new() { "OpenSSL", "BouncyCastle" };

    // RFC 7748 §6.1.
    private const string AlicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string Shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    // NID_ED25519 in OpenSSL's obj_mac.h: a valid key type, but not X25519's.
    private const int NidEd25519 = 1087;

    [Fact]
    public void Active_OnThisMachine_IsOpenSsl()
    {
        // Debian 12 ships libcrypto.so.3; CI proves the fast path is the one in use.
        Assert.NotNull(X25519.OpenSsl);
        Assert.Same(X25519.OpenSsl, X25519.Active);
        Assert.Equal("OpenSSL", X25519.Active.Name);
    }

    [Fact]
    public void OpenSslSelfTest_WrongKeyType_FallsBack()
    {
        // NID_ED25519 instead of NID_X25519: the RFC 7748 self-test must refuse the backend.
        Assert.Null(X25519.OpenSslBackend.TryCreate(NidEd25519));
        Assert.NotNull(X25519.OpenSslBackend.TryCreate(OpenSslEvp.PkeyX25519));
    }

    // RFC 7748 §5.2: the two single-call test vectors (scalar, u-coordinate, output). The second
    // u-coordinate has its top bit set, which the function must mask.
    [Theory]
    [InlineData("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [InlineData("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public void Function_Rfc7748Section52_MatchesOutput(string scalar, string u, string output)
    {
        foreach (var backend in AllBackends())
        {
            var secret = new byte[32];
            Assert.True(backend.TryAgree(Convert.FromHexString(scalar), Convert.FromHexString(u), secret), backend.Name);
            Assert.Equal(output, Convert.ToHexStringLower(secret));
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Rfc7748Section61_PublicKeysAndSharedSecret(string name)
    {
        var backend = Backend(name);
        var publicKey = new byte[32];
        backend.GetPublicKey(Convert.FromHexString(AlicePrivate), publicKey);
        Assert.Equal(AlicePublic, Convert.ToHexStringLower(publicKey));
        backend.GetPublicKey(Convert.FromHexString(BobPrivate), publicKey);
        Assert.Equal(BobPublic, Convert.ToHexStringLower(publicKey));

        var secret = new byte[32];
        Assert.True(backend.TryAgree(Convert.FromHexString(AlicePrivate), Convert.FromHexString(BobPublic), secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
        Assert.True(backend.TryAgree(Convert.FromHexString(BobPrivate), Convert.FromHexString(AlicePublic), secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
    }

    // The low-order points of X25519Tests (and their encodings with the top bit set, which is masked).
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    [InlineData("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void TryAgree_LowOrderPoint_RejectedByBoth(string lowOrderPoint)
    {
        var privateKey = RandomNumberGenerator.GetBytes(32);
        foreach (var backend in AllBackends())
        {
            var secret = new byte[32];
            secret.AsSpan().Fill(0xAA);
            Assert.False(backend.TryAgree(privateKey, Convert.FromHexString(lowOrderPoint), secret), backend.Name);
            Assert.All(secret, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void RandomKeys_BothBackends_Agree()
    {
        var openSsl = X25519.OpenSsl!;
        for (var i = 0; i < 64; i++)
        {
            var a = RandomNumberGenerator.GetBytes(32);
            var b = RandomNumberGenerator.GetBytes(32);
            var aPublicOpenSsl = new byte[32];
            var aPublicPortable = new byte[32];
            openSsl.GetPublicKey(a, aPublicOpenSsl);
            X25519.Portable.GetPublicKey(a, aPublicPortable);
            Assert.Equal(aPublicPortable, aPublicOpenSsl);

            var bPublic = new byte[32];
            X25519.Portable.GetPublicKey(b, bPublic);
            var viaOpenSsl = new byte[32];
            var viaPortable = new byte[32];
            Assert.True(openSsl.TryAgree(a, bPublic, viaOpenSsl));
            Assert.True(X25519.Portable.TryAgree(b, aPublicOpenSsl, viaPortable));
            Assert.Equal(viaPortable, viaOpenSsl);
        }
    }

    [Fact]
    public void RandomPeerBytes_BothBackends_SameResult()
    {
        // Any 32 bytes are a u-coordinate (on the curve or its twist, top bit masked, values ≥ p reduced).
        var openSsl = X25519.OpenSsl!;
        for (var i = 0; i < 64; i++)
        {
            var privateKey = RandomNumberGenerator.GetBytes(32);
            var peer = RandomNumberGenerator.GetBytes(32);
            if (i % 2 == 0)
            {
                peer[31] |= 0x80;
            }

            var viaOpenSsl = new byte[32];
            var viaPortable = new byte[32];
            Assert.Equal(X25519.Portable.TryAgree(privateKey, peer, viaPortable), openSsl.TryAgree(privateKey, peer, viaOpenSsl));
            Assert.Equal(viaPortable, viaOpenSsl);
        }
    }

    [Fact]
    public void KeyPair_OpenSsl_ImportsOnceAndMatchesBouncyCastle()
    {
        var pair = new X25519KeyPair(Convert.FromHexString(AlicePrivate), Convert.FromHexString(AlicePublic));
        Assert.Null(pair.NativeKey);

        var secret = new byte[32];
        Assert.True(X25519.OpenSsl!.TryAgree(pair, Convert.FromHexString(BobPublic), secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
        var imported = pair.NativeKey;
        Assert.NotNull(imported);

        for (var i = 0; i < 8; i++)
        {
            var peer = X25519.GenerateKeyPair().PublicKey;
            var viaOpenSsl = new byte[32];
            var viaPortable = new byte[32];
            Assert.True(X25519.OpenSsl.TryAgree(pair, peer, viaOpenSsl));
            Assert.True(X25519.Portable.TryAgree(pair, peer, viaPortable));
            Assert.Equal(viaPortable, viaOpenSsl);
        }

        Assert.Same(imported, pair.NativeKey);
        Assert.False(imported!.IsClosed);
    }

    [Fact]
    public void KeyPair_Generated_KeepsItsImportedKey()
    {
        var pair = X25519.GenerateKeyPair();
        var imported = pair.NativeKey;
        Assert.NotNull(imported);
        Assert.True(X25519.TryAgree(pair, Convert.FromHexString(BobPublic), out _));
        Assert.Same(imported, pair.NativeKey);
    }

    [Fact]
    public void KeyPair_PrivateKeyOverwritten_ReimportsAndFreesTheStaleKey()
    {
        var pair = new X25519KeyPair(Convert.FromHexString(AlicePrivate), Convert.FromHexString(AlicePublic));
        var secret = new byte[32];
        Assert.True(X25519.OpenSsl!.TryAgree(pair, Convert.FromHexString(BobPublic), secret));
        var stale = pair.NativeKey!;

        // The bytes now hold Bob's private key: the agreement must use them, not the imported copy.
        Convert.FromHexString(BobPrivate).CopyTo(pair.PrivateKey, 0);
        Assert.True(X25519.OpenSsl.TryAgree(pair, Convert.FromHexString(AlicePublic), secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
        Assert.True(stale.IsClosed);
        Assert.NotSame(stale, pair.NativeKey);
    }

    [Fact]
    public void KeyPair_ClearPrivateKey_ZeroesBytesAndFreesNativeKey()
    {
        var pair = X25519.GenerateKeyPair();
        var imported = pair.NativeKey!;
        pair.ClearPrivateKey();

        Assert.All(pair.PrivateKey, b => Assert.Equal(0, b));
        Assert.Null(pair.NativeKey);
        Assert.True(imported.IsClosed);
        Assert.False(imported.Holds(new byte[32]));
    }

    [Fact]
    public void KeyPair_WithAndEquality_IgnoreNativeKey()
    {
        var pair = X25519.GenerateKeyPair();
        var copy = pair with { };
        Assert.Null(copy.NativeKey);
        Assert.Equal(pair, copy);
        Assert.Equal(pair.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(pair, pair with { PrivateKey = (byte[])pair.PrivateKey.Clone() });

        // A pair made with another private key computes with that key, not an import copied from the original.
        var other = pair with { PrivateKey = Convert.FromHexString(AlicePrivate) };
        Assert.True(X25519.TryAgree(other, Convert.FromHexString(BobPublic), out var secret));
        Assert.Equal(Shared, Convert.ToHexStringLower(secret));
    }

    [Fact]
    public void KeyPair_ConcurrentAgreements_AllCorrect()
    {
        var pair = new X25519KeyPair(Convert.FromHexString(AlicePrivate), Convert.FromHexString(AlicePublic));
        Parallel.For(0, 64, _ =>
        {
            var secret = new byte[32];
            Assert.True(X25519.OpenSsl!.TryAgree(pair, Convert.FromHexString(BobPublic), secret));
            Assert.Equal(Shared, Convert.ToHexStringLower(secret));
        });
        Assert.False(pair.NativeKey!.IsClosed);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    public void KeyPair_LowOrderPoint_RejectedByBoth(string lowOrderPoint)
    {
        var pair = X25519.GenerateKeyPair();
        foreach (var backend in AllBackends())
        {
            var secret = new byte[32];
            secret.AsSpan().Fill(0xAA);
            Assert.False(backend.TryAgree(pair, Convert.FromHexString(lowOrderPoint), secret), backend.Name);
            Assert.All(secret, b => Assert.Equal(0, b));
        }
    }

    private static X25519.IX25519Backend Backend(string name) => name == "OpenSSL" ? X25519.OpenSsl! : X25519.Portable;

    private static IEnumerable<X25519.IX25519Backend> AllBackends() => [X25519.OpenSsl!, X25519.Portable];
}
