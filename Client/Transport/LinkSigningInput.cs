namespace XChat.Client.Transport;

/// <summary>
/// The bytes an existing device signs to approve a new one (PROTOCOL.md "Linking a device"):
/// "xchat-link-v1" || code (8 ASCII bytes, upper case) || new signing key || new agreement key.
/// </summary>
public static class LinkSigningInput
{
    private static ReadOnlySpan<byte> Domain => "xchat-link-v1"u8;

    public static byte[] For(string code, ReadOnlySpan<byte> newSigningKey, ReadOnlySpan<byte> newAgreementKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var canonical = System.Text.Encoding.ASCII.GetBytes(code.Trim().ToUpperInvariant());
        return [.. Domain, .. canonical, .. newSigningKey, .. newAgreementKey];
    }
}
