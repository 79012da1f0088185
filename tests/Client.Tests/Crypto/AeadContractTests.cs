namespace XChat.Client.Tests.Crypto;

/// <summary>The behaviour every AEAD in Client/Crypto shares; each algorithm's test class inherits these cases.</summary>
public abstract class AeadContractTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Nonce = Enumerable.Range(100, 12).Select(i => (byte)i).ToArray();
    private static readonly byte[] Plaintext = "attack at dawn, bring snacks"u8.ToArray();
    private static readonly byte[] AssociatedData = "alice->bob #42"u8.ToArray();

    protected abstract byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    protected abstract bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext);

    [Fact]
    public void Encrypt_ThenTryDecrypt_RoundTrips()
    {
        var ciphertext = Encrypt(Key, Nonce, Plaintext, AssociatedData);

        Assert.Equal(Plaintext.Length + 16, ciphertext.Length);
        Assert.True(TryDecrypt(Key, Nonce, ciphertext, AssociatedData, out var plaintext));
        Assert.Equal(Plaintext, plaintext);
    }

    [Fact]
    public void Encrypt_EmptyPlaintext_IsTagOnlyAndRoundTrips()
    {
        var ciphertext = Encrypt(Key, Nonce, [], []);

        Assert.Equal(16, ciphertext.Length);
        Assert.True(TryDecrypt(Key, Nonce, ciphertext, [], out var plaintext));
        Assert.Empty(plaintext);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(27)]
    [InlineData(28)]
    [InlineData(43)]
    public void TryDecrypt_TamperedCiphertextOrTag_ReturnsFalse(int index)
    {
        // Indices 0..27 are ciphertext, 28..43 the tag.
        var ciphertext = Encrypt(Key, Nonce, Plaintext, AssociatedData);
        ciphertext[index] ^= 0x01;

        Assert.False(TryDecrypt(Key, Nonce, ciphertext, AssociatedData, out var plaintext), "a changed bit anywhere must fail authentication");
        Assert.Empty(plaintext);
    }

    [Fact]
    public void TryDecrypt_TamperedAssociatedData_ReturnsFalse()
    {
        var ciphertext = Encrypt(Key, Nonce, Plaintext, AssociatedData);
        var otherAd = (byte[])AssociatedData.Clone();
        otherAd[^1] ^= 0x01;

        Assert.False(TryDecrypt(Key, Nonce, ciphertext, otherAd, out _), "the associated data is authenticated");
        Assert.False(TryDecrypt(Key, Nonce, ciphertext, [], out _), "dropping the associated data must fail authentication");
    }

    [Fact]
    public void TryDecrypt_OtherKeyOrNonce_ReturnsFalse()
    {
        var ciphertext = Encrypt(Key, Nonce, Plaintext, AssociatedData);
        var otherKey = (byte[])Key.Clone();
        otherKey[0] ^= 0x80;
        var otherNonce = (byte[])Nonce.Clone();
        otherNonce[11] ^= 0x80;

        Assert.False(TryDecrypt(otherKey, Nonce, ciphertext, AssociatedData, out _), "a ciphertext opens only under its key");
        Assert.False(TryDecrypt(Key, otherNonce, ciphertext, AssociatedData, out _), "a ciphertext opens only under its nonce");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void TryDecrypt_ShorterThanTag_ReturnsFalse(int length)
    {
        Assert.False(TryDecrypt(Key, Nonce, new byte[length], [], out var plaintext), "a truncated message is a failed authentication, not an exception");
        Assert.Empty(plaintext);
    }

    [Fact]
    public void TryDecrypt_TruncatedCiphertext_ReturnsFalse()
    {
        var ciphertext = Encrypt(Key, Nonce, Plaintext, AssociatedData);

        Assert.False(TryDecrypt(Key, Nonce, ciphertext.AsSpan(1), AssociatedData, out _), "dropping a byte must fail authentication");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Encrypt_WrongKeyLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => Encrypt(new byte[length], Nonce, Plaintext, []));
        Assert.Throws<ArgumentException>(() => TryDecrypt(new byte[length], Nonce, new byte[32], [], out _));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    public void Encrypt_WrongNonceLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => Encrypt(Key, new byte[length], Plaintext, []));
        Assert.Throws<ArgumentException>(() => TryDecrypt(Key, new byte[length], new byte[32], [], out _));
    }
}
