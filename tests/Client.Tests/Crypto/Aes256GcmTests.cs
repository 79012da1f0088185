using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class Aes256GcmTests : AeadContractTests
{
    private const string TestKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private const string TestNonce = "cafebabefacedbaddecaf888";
    private const string TestPlaintext =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";

    // McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13 to 16
    // (the AES-256 cases with a 96-bit IV): key, IV, plaintext, AAD, ciphertext, tag.
    public static TheoryData<string, string, string, string, string, string, string> GcmSpecVectors => new()
    {
        { "13", new string('0', 64), new string('0', 24), "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
        { "14", new string('0', 64), new string('0', 24), new string('0', 32), "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
        {
            "15", TestKey, TestNonce, TestPlaintext + "1aafd255", "",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            "b094dac5d93471bdec1a502270e3cc6c"
        },
        {
            "16", TestKey, TestNonce, TestPlaintext, "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b"
        },
    };

    [Theory]
    [MemberData(nameof(GcmSpecVectors))]
    public void Encrypt_GcmSpecVector_MatchesCiphertextAndTag(string testCase, string key, string nonce, string plaintext, string ad, string ciphertext, string tag)
    {
        var actual = Aes256Gcm.Encrypt(Convert.FromHexString(key), Convert.FromHexString(nonce), Convert.FromHexString(plaintext), Convert.FromHexString(ad));

        Assert.True(ciphertext + tag == Convert.ToHexStringLower(actual), $"GCM test case {testCase}");
    }

    [Theory]
    [MemberData(nameof(GcmSpecVectors))]
    public void TryDecrypt_GcmSpecVector_RecoversPlaintext(string testCase, string key, string nonce, string plaintext, string ad, string ciphertext, string tag)
    {
        Assert.True(
            Aes256Gcm.TryDecrypt(Convert.FromHexString(key), Convert.FromHexString(nonce), Convert.FromHexString(ciphertext + tag), Convert.FromHexString(ad), out var actual),
            $"GCM test case {testCase}");
        Assert.Equal(plaintext, Convert.ToHexStringLower(actual));
    }

    protected override byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        Aes256Gcm.Encrypt(key, nonce, plaintext, associatedData);

    protected override bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, out byte[] plaintext) =>
        Aes256Gcm.TryDecrypt(key, nonce, ciphertext, associatedData, out plaintext);
}
