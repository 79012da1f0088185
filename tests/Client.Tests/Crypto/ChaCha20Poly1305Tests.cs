using System.Text;
using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class ChaCha20Poly1305Tests : AeadContractTests
{
    // RFC 8439 §2.8.2: the "sunscreen" AEAD example (key 80..9f, nonce 07000000 || 4041424344454647).
    private const string Sunscreen = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    private const string SunscreenKey = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
    private const string SunscreenNonce = "070000004041424344454647";
    private const string SunscreenAd = "50515253c0c1c2c3c4c5c6c7";
    private const string SunscreenCiphertext =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b" +
        "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" +
        "3ff4def08e4b7a9de576d26586cec64b6116";
    private const string SunscreenTag = "1ae10b594f09e26a7e902ecbd0600691";

    // RFC 8439 Appendix A.5: the ChaCha20-Poly1305 AEAD decryption example.
    private const string DraftKey = "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
    private const string DraftNonce = "000000000102030405060708";
    private const string DraftAd = "f33388860000000000004e91";
    private const string DraftCiphertext =
        "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0" +
        "bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855" +
        "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e9" +
        "9040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a" +
        "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130" +
        "305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b";
    private const string DraftTag = "eead9d67890cbb22392336fea1851f38";
    private const string DraftPlaintext =
        "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, replaced, " +
        "or obsoleted by other documents at any time. It is inappropriate to use Internet-Drafts as reference " +
        "material or to cite them other than as /\u201cwork in progress./\u201d";

    [Fact]
    public void Encrypt_Rfc8439Section282_MatchesCiphertextAndTag()
    {
        var actual = ChaCha20Poly1305.Encrypt(
            Convert.FromHexString(SunscreenKey), Convert.FromHexString(SunscreenNonce), Encoding.ASCII.GetBytes(Sunscreen), Convert.FromHexString(SunscreenAd));

        Assert.Equal(SunscreenCiphertext + SunscreenTag, Convert.ToHexStringLower(actual));
    }

    [Fact]
    public void TryDecrypt_Rfc8439Section282_RecoversPlaintext()
    {
        Assert.True(ChaCha20Poly1305.TryDecrypt(
            Convert.FromHexString(SunscreenKey), Convert.FromHexString(SunscreenNonce), Convert.FromHexString(SunscreenCiphertext + SunscreenTag), Convert.FromHexString(SunscreenAd), out var plaintext));
        Assert.Equal(Sunscreen, Encoding.ASCII.GetString(plaintext));
    }

    [Fact]
    public void TryDecrypt_Rfc8439AppendixA5_RecoversPlaintext()
    {
        Assert.True(ChaCha20Poly1305.TryDecrypt(
            Convert.FromHexString(DraftKey), Convert.FromHexString(DraftNonce), Convert.FromHexString(DraftCiphertext + DraftTag), Convert.FromHexString(DraftAd), out var plaintext));
        Assert.Equal(DraftPlaintext, Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void TryDecrypt_Rfc8439AppendixA5WithFlippedTagBit_ReturnsFalse()
    {
        var ciphertext = Convert.FromHexString(DraftCiphertext + DraftTag);
        ciphertext[^1] ^= 0x80;

        Assert.False(ChaCha20Poly1305.TryDecrypt(Convert.FromHexString(DraftKey), Convert.FromHexString(DraftNonce), ciphertext, Convert.FromHexString(DraftAd), out _));
    }

    protected override byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        ChaCha20Poly1305.Encrypt(key, nonce, plaintext, associatedData);

    protected override bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext) =>
        ChaCha20Poly1305.TryDecrypt(key, nonce, ciphertext, associatedData, out plaintext);
}
