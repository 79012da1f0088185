using XChat.Client.Crypto;

namespace XChat.Client.Tests.Crypto;

public sealed class Argon2idTests
{
    [Fact]
    public void DeriveKey_Rfc9106Section5_3Vector_MatchesTag()
    {
        // RFC 9106 §5.3: m = 32 KiB, t = 3, p = 4, password 32 x 0x01, salt 16 x 0x02,
        // secret 8 x 0x03, associated data 12 x 0x04, tag length 32.
        var tag = Argon2id.DeriveKey(
            Filled(0x01, 32), Filled(0x02, 16), memoryKiB: 32, iterations: 3, parallelism: 4, length: 32,
            secret: Filled(0x03, 8), associatedData: Filled(0x04, 12));

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void DeriveKey_DifferentPassword_DifferentKey()
    {
        var salt = Filled(0x02, 16);
        var a = Argon2id.DeriveKey("correct horse"u8, salt, 64, 1, 1, 32);
        var b = Argon2id.DeriveKey("correct horsf"u8, salt, 64, 1, 1, 32);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void DeriveKey_ShortSalt_Throws()
    {
        Assert.Throws<ArgumentException>(() => Argon2id.DeriveKey("pw"u8, new byte[7], 64, 1, 1, 32));
    }

    private static byte[] Filled(byte value, int count) => Enumerable.Repeat(value, count).ToArray();
}
