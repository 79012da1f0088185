namespace XChat.Client.Transport;

/// <summary>The bytes a device signs to register or log in: "xchat-auth-v1" followed by the 32-byte challenge (PROTOCOL.md §3).</summary>
internal static class AuthChallenge
{
    public const int ChallengeSize = 32;

    private static ReadOnlySpan<byte> Domain => "xchat-auth-v1"u8;

    public static byte[] SigningInput(ReadOnlySpan<byte> challenge)
    {
        if (challenge.Length != ChallengeSize)
        {
            throw new InvalidDataException($"The server's challenge must be {ChallengeSize} bytes, got {challenge.Length}.");
        }

        var input = new byte[Domain.Length + challenge.Length];
        Domain.CopyTo(input);
        challenge.CopyTo(input.AsSpan(Domain.Length));
        return input;
    }
}
