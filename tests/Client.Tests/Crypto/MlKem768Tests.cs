using System.Security.Cryptography;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class MlKem768Tests
{
    [Fact]
    public void DeriveKeyPair_AcvpKeyGenVector_MatchesEncapsulationKey()
    {
        var keys = MlKem768.DeriveKeyPair(Convert.FromHexString(MlKem768AcvpKeyGenVector.D + MlKem768AcvpKeyGenVector.Z));

        Assert.Equal(MlKem768AcvpKeyGenVector.EncapsulationKey, Convert.ToHexStringLower(keys.PublicKey));
    }

    [Fact]
    public void DeriveKeyPair_AcvpKeyGenVector_MatchesDecapsulationKey()
    {
        var keys = MlKem768.DeriveKeyPair(Convert.FromHexString(MlKem768AcvpKeyGenVector.D + MlKem768AcvpKeyGenVector.Z));

        Assert.Equal(MlKem768AcvpKeyGenVector.DecapsulationKey, Convert.ToHexStringLower(keys.PrivateKey));
    }

    [Fact]
    public void GenerateKeyPair_EncapsulateThenDecapsulate_AgreesOnSecret()
    {
        var keys = MlKem768.GenerateKeyPair();
        var encapsulation = MlKem768.Encapsulate(keys.PublicKey);

        Assert.Equal(MlKem768.PublicKeySize, keys.PublicKey.Length);
        Assert.Equal(MlKem768.PrivateKeySize, keys.PrivateKey.Length);
        Assert.Equal(MlKem768.CiphertextSize, encapsulation.Ciphertext.Length);
        Assert.Equal(MlKem768.SharedSecretSize, encapsulation.SharedSecret.Length);
        Assert.Equal(encapsulation.SharedSecret, MlKem768.Decapsulate(keys.PrivateKey, encapsulation.Ciphertext));
    }

    [Fact]
    public void Encapsulate_Twice_GivesFreshCiphertextAndSecret()
    {
        var keys = MlKem768.GenerateKeyPair();
        var first = MlKem768.Encapsulate(keys.PublicKey);
        var second = MlKem768.Encapsulate(keys.PublicKey);

        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(first.SharedSecret, second.SharedSecret);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(1087)]
    public void Decapsulate_TamperedCiphertext_ReturnsImplicitRejectionSecret(int index)
    {
        var keys = MlKem768.GenerateKeyPair();
        var encapsulation = MlKem768.Encapsulate(keys.PublicKey);
        var tampered = (byte[])encapsulation.Ciphertext.Clone();
        tampered[index] ^= 0x01;

        var secret = MlKem768.Decapsulate(keys.PrivateKey, tampered);

        Assert.NotEqual(encapsulation.SharedSecret, secret);
        if (Shake256.IsSupported)
        {
            // FIPS 203 Algorithm 18, lines 7-10: on a re-encryption mismatch the result is J(z || c) = SHAKE256(z || c, 256 bits),
            // with z the last 32 bytes of dk: a deterministic secret the sender does not know, and no exception.
            var z = keys.PrivateKey.AsSpan(MlKem768.PrivateKeySize - 32);
            Assert.Equal(Shake256.HashData([.. z, .. tampered], 32), secret);
        }
    }

    [Fact]
    public void Decapsulate_OtherPrivateKey_DoesNotRecoverSecret()
    {
        var keys = MlKem768.GenerateKeyPair();
        var other = MlKem768.GenerateKeyPair();
        var encapsulation = MlKem768.Encapsulate(keys.PublicKey);

        Assert.NotEqual(encapsulation.SharedSecret, MlKem768.Decapsulate(other.PrivateKey, encapsulation.Ciphertext));
    }

    [Fact]
    public void Encapsulate_CoefficientNotReduced_Throws()
    {
        var publicKey = MlKem768.GenerateKeyPair().PublicKey;

        // The first coefficient becomes 0xFFF = 4095 >= q = 3329: FIPS 203 §7.2 modulus check.
        publicKey[0] = 0xFF;
        publicKey[1] |= 0x0F;

        Assert.Throws<ArgumentException>(() => MlKem768.Encapsulate(publicKey));
    }

    [Fact]
    public void Encapsulate_LastCoefficientNotReduced_Throws()
    {
        var publicKey = MlKem768.GenerateKeyPair().PublicKey;

        // The 768th coefficient is the top 12 bits of bytes 1149..1151 of ek.
        publicKey[1150] |= 0xF0;
        publicKey[1151] = 0xFF;

        Assert.Throws<ArgumentException>(() => MlKem768.Encapsulate(publicKey));
    }

    [Fact]
    public void Decapsulate_CorruptPrivateKey_Throws()
    {
        var keys = MlKem768.GenerateKeyPair();
        var ciphertext = MlKem768.Encapsulate(keys.PublicKey).Ciphertext;

        // A changed byte inside the embedded ek no longer matches H(ek): FIPS 203 §7.3 hash check.
        keys.PrivateKey[1152 + 10] ^= 0x01;

        Assert.Throws<ArgumentException>(() => MlKem768.Decapsulate(keys.PrivateKey, ciphertext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1087)]
    [InlineData(1089)]
    public void Decapsulate_WrongLengthCiphertext_Throws(int length)
    {
        var keys = MlKem768.GenerateKeyPair();

        Assert.Throws<ArgumentException>(() => MlKem768.Decapsulate(keys.PrivateKey, new byte[length]));
    }

    [Fact]
    public void WrongLengthKeysAndSeed_Throw()
    {
        Assert.Throws<ArgumentException>(() => MlKem768.Encapsulate(new byte[1183]));
        Assert.Throws<ArgumentException>(() => MlKem768.Decapsulate(new byte[2399], new byte[1088]));
        Assert.Throws<ArgumentException>(() => MlKem768.DeriveKeyPair(new byte[32]));
    }
}
