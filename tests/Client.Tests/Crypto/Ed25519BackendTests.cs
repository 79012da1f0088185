using System.Numerics;
using System.Security.Cryptography;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

/// <summary>
/// Both Ed25519 implementations (OpenSSL's libcrypto and BouncyCastle) against RFC 8032 §7.1, the
/// encodings BouncyCastle rejects (non-canonical S and A, public keys of small order), and each other.
/// </summary>
public sealed class Ed25519BackendTests
{
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    public static TheoryData<string, string, string, string, string> VectorsPerBackend()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var backend in new[] { "OpenSSL", "BouncyCastle" })
        {
            foreach (var row in Ed25519Tests.Rfc8032Vectors)
            {
                data.Add(backend, (string)row[0], (string)row[1], (string)row[2], (string)row[3]);
            }
        }

        return data;
    }

    public static TheoryData<string> Backends => new() { "OpenSSL", "BouncyCastle" };

    [Fact]
    public void Active_OnThisMachine_IsOpenSsl()
    {
        Assert.NotNull(Ed25519.OpenSsl);
        Assert.Same(Ed25519.OpenSsl, Ed25519.Active);
        Assert.Equal("OpenSSL", Ed25519.Active.Name);
    }

    [Fact]
    public void OpenSslSelfTest_WrongKeyType_FallsBack()
    {
        // NID_X25519 instead of NID_ED25519: the RFC 8032 self-test must refuse the backend.
        Assert.Null(Ed25519.OpenSslBackend.TryCreate(OpenSslEvp.PkeyX25519));
        Assert.Null(Ed25519.OpenSslBackend.TryCreate(0));
        Assert.NotNull(Ed25519.OpenSslBackend.TryCreate(OpenSslEvp.PkeyEd25519));
    }

    [Theory]
    [MemberData(nameof(VectorsPerBackend))]
    public void Rfc8032Section71_PublicKeySignAndVerify(string name, string secretKey, string publicKey, string message, string signature)
    {
        var backend = Backend(name);
        var sk = Convert.FromHexString(secretKey);
        var pk = Convert.FromHexString(publicKey);
        var m = Convert.FromHexString(message);

        var derived = new byte[32];
        backend.GetPublicKey(sk, derived);
        Assert.Equal(publicKey, Convert.ToHexStringLower(derived));

        var sig = new byte[64];
        backend.Sign(sk, m, sig);
        Assert.Equal(signature, Convert.ToHexStringLower(sig));
        sig.AsSpan().Clear();
        backend.Sign(sk, pk, m, sig);
        Assert.Equal(signature, Convert.ToHexStringLower(sig));

        Assert.True(backend.Verify(pk, m, Convert.FromHexString(signature)));
        var tampered = Convert.FromHexString(signature);
        tampered[40] ^= 0x01;
        Assert.False(backend.Verify(pk, m, tampered));
        Assert.False(backend.Verify(pk, [.. m, 0x00], Convert.FromHexString(signature)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Verify_NonCanonicalS_ReturnsFalse(string name)
    {
        // S + L verifies under the cofactorless equation but is not the encoding RFC 8032 §5.1.7 accepts.
        var backend = Backend(name);
        var keys = Ed25519.GenerateKeyPair();
        var signature = new byte[64];
        backend.Sign(keys.PrivateKey, "m"u8, signature);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true) + L;
        Assert.True(s.TryWriteBytes(signature.AsSpan(32), out _, isUnsigned: true));

        Assert.False(backend.Verify(keys.PublicKey, "m"u8, signature));
    }

    // Public keys of small order, canonical and not (y = p + 1 is the neutral element again, y = p is 0),
    // with the signature (R = neutral element, S = 0) that the bare equation [S]B = R + [k]A accepts for
    // the neutral element under any message. RFC 8032 allows rejecting them; BouncyCastle does, so both must.
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
        var signature = new byte[64];
        signature[0] = 0x01; // R = (0, 1), S = 0
        foreach (var name in new[] { "OpenSSL", "BouncyCastle" })
        {
            Assert.False(Backend(name).Verify(Convert.FromHexString(publicKey), "any message"u8, signature), name);
        }

        Assert.False(Ed25519.OpenSslBackend.IsAcceptedPublicKey(Convert.FromHexString(publicKey)));
    }

    [Fact]
    public void IsAcceptedPublicKey_OrdinaryKeys_True()
    {
        for (var i = 0; i < 32; i++)
        {
            Assert.True(Ed25519.OpenSslBackend.IsAcceptedPublicKey(Ed25519.GenerateKeyPair().PublicKey));
        }
    }

    [Fact]
    public void IsCanonicalScalar_Boundaries()
    {
        Span<byte> s = stackalloc byte[32];
        (L - 1).TryWriteBytes(s, out _, isUnsigned: true);
        Assert.True(Ed25519.OpenSslBackend.IsCanonicalScalar(s));
        L.TryWriteBytes(s, out _, isUnsigned: true);
        Assert.False(Ed25519.OpenSslBackend.IsCanonicalScalar(s));
        s.Clear();
        Assert.True(Ed25519.OpenSslBackend.IsCanonicalScalar(s));
        s.Fill(0xFF);
        Assert.False(Ed25519.OpenSslBackend.IsCanonicalScalar(s));
    }

    [Fact]
    public void RandomKeys_SignaturesCrossVerify()
    {
        var openSsl = Ed25519.OpenSsl!;
        for (var i = 0; i < 32; i++)
        {
            var sk = RandomNumberGenerator.GetBytes(32);
            var message = RandomNumberGenerator.GetBytes(i * 7);
            var pkOpenSsl = new byte[32];
            var pkPortable = new byte[32];
            openSsl.GetPublicKey(sk, pkOpenSsl);
            Ed25519.Portable.GetPublicKey(sk, pkPortable);
            Assert.Equal(pkPortable, pkOpenSsl);

            var sigOpenSsl = new byte[64];
            var sigPortable = new byte[64];
            openSsl.Sign(sk, message, sigOpenSsl);
            Ed25519.Portable.Sign(sk, pkPortable, message, sigPortable);
            Assert.Equal(sigPortable, sigOpenSsl);
            Assert.True(Ed25519.Portable.Verify(pkOpenSsl, message, sigOpenSsl));
            Assert.True(openSsl.Verify(pkPortable, message, sigPortable));

            // A random corruption: both give the same answer (false).
            var corrupt = (byte[])sigOpenSsl.Clone();
            corrupt[RandomNumberGenerator.GetInt32(64)] ^= (byte)(1 << RandomNumberGenerator.GetInt32(8));
            Assert.False(openSsl.Verify(pkOpenSsl, message, corrupt));
            Assert.False(Ed25519.Portable.Verify(pkOpenSsl, message, corrupt));
        }
    }

    [Fact]
    public void RandomPublicKeyBytes_BothBackends_SameAnswer()
    {
        // Arbitrary 32-byte strings as public keys (half are not on the curve): both refuse the same ones.
        var openSsl = Ed25519.OpenSsl!;
        var signature = RandomNumberGenerator.GetBytes(64);
        signature[63] &= 0x0F;
        for (var i = 0; i < 64; i++)
        {
            var pk = RandomNumberGenerator.GetBytes(32);
            Assert.Equal(Ed25519.Portable.Verify(pk, "m"u8, signature), openSsl.Verify(pk, "m"u8, signature));
        }
    }

    private static Ed25519.IEd25519Backend Backend(string name) => name == "OpenSSL" ? Ed25519.OpenSsl! : Ed25519.Portable;
}
