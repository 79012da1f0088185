namespace XChat.Client.Crypto;

/// <summary>Argument checks shared by the primitives: a key or nonce of the wrong size is a caller bug and throws.</summary>
internal static class Requires
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> is exactly <paramref name="length"/> bytes.</summary>
    public static void Length(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"Expected {length} bytes, got {value.Length}.", name);
        }
    }
}
